package command_test

import (
	"context"
	"testing"

	"github.com/teslafleet/teslafleet/internal/command"
)

// resetLimitsEvery clears the sim's per-minute rate limits (30 commands a
// minute per car) outside the timer; the sim clock stands still.
const resetLimitsEvery = 20

func benchCommand(b *testing.B, signed bool) {
	e := startE2E(b)
	vin := e.ms
	if signed {
		vin = e.m3
		e.pair(vin)
	}
	c := e.commander(nil, true)
	ctx := context.Background()
	if err := c.Send(ctx, vin, command.FlashLights()); err != nil { // handshake and state check outside the loop
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if i%resetLimitsEvery == 0 {
			b.StopTimer()
			e.control("DELETE", "/_sim/ratelimits", nil, nil)
			b.StartTimer()
		}
		if err := c.Send(ctx, vin, command.FlashLights()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignedCommand is one signed command round trip (session cached):
// Commander → SDK → connector → fleet → sim → vehicle side and back.
func BenchmarkSignedCommand(b *testing.B) { benchCommand(b, true) }

// BenchmarkRESTCommand is one REST command round trip.
func BenchmarkRESTCommand(b *testing.B) { benchCommand(b, false) }

// sendHundred sends 100 signed commands over both domains and returns the
// handshakes the car answered meanwhile.
func sendHundred(tb testing.TB, e *e2e, c *command.Commander) int {
	tb.Helper()
	ctx := context.Background()
	before := e.handshakes(e.m3)
	for i := range 100 {
		if i%resetLimitsEvery == 0 {
			e.control("DELETE", "/_sim/ratelimits", nil, nil)
		}
		cmd := command.Lock() // VCSEC
		if i%2 == 1 {
			cmd = command.FlashLights() // INFOTAINMENT
		}
		if err := c.Send(ctx, e.m3, cmd); err != nil {
			tb.Fatal(err)
		}
	}
	return e.handshakes(e.m3) - before
}

// BenchmarkHandshakesPer100Commands reports handshakes per 100 signed
// commands for a Commander restarted (same session store) every 100.
func BenchmarkHandshakesPer100Commands(b *testing.B) {
	e := startE2E(b)
	e.pair(e.m3)
	store := &command.MemorySessionStore{}
	total := 0
	for range b.N {
		total += sendHundred(b, e, e.commander(store, true))
	}
	b.ReportMetric(float64(total)/float64(b.N), "handshakes/100cmds")
}

func TestE2EHandshakesPer100Commands(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	store := &command.MemorySessionStore{}
	if n := sendHundred(t, e, e.commander(store, true)); n != 2 {
		t.Fatalf("first 100 commands: %d handshakes, want 2 (one per domain)", n)
	}
	if n := sendHundred(t, e, e.commander(store, true)); n != 0 {
		t.Fatalf("100 commands after a restart: %d handshakes, want 0", n)
	}
}
