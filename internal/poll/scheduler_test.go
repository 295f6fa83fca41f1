package poll

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// A forced refresh (update_entity) runs at once and re-arms the periodic
// timer to one interval after it; calls during the 10 s cooldown collapse
// into one refresh at its end (§3.0).
func TestRequest(t *testing.T) {
	for _, tc := range []struct {
		name     string
		requests []time.Duration // when Request is called
		want     []time.Duration // free checks until 40 min
	}{
		{"one request re-arms the timer", minutes(5), minutes(5, 15, 25, 35)},
		{"requests in the cooldown collapse", []time.Duration{5 * time.Minute, 5*time.Minute + 2*time.Second, 5*time.Minute + 4*time.Second},
			[]time.Duration{5 * time.Minute, 5*time.Minute + 10*time.Second, 15*time.Minute + 10*time.Second, 25*time.Minute + 10*time.Second, 35*time.Minute + 10*time.Second}},
		{"a request after the cooldown runs at once", []time.Duration{5 * time.Minute, 5*time.Minute + 11*time.Second},
			[]time.Duration{5 * time.Minute, 5*time.Minute + 11*time.Second, 15*time.Minute + 11*time.Second, 25*time.Minute + 11*time.Second, 35*time.Minute + 11*time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, newFake())
				c := h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
				var at time.Duration
				for _, r := range tc.requests {
					advance(r - at)
					at = r
					c.Request()
				}
				advance(40*time.Minute - at)
				if got := h.f.times("vehicle"); !equalTimes(got, tc.want) {
					t.Errorf("free checks at %v, want %v", got, tc.want)
				}
			})
		})
	}
}

// Polling off: no automatic calls at all, forced refreshes still work, and
// turning it on resumes the cadence.
func TestSetPolling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, newFake())
		h.s.SetPolling(false)
		v := h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
		_, _, hist := h.s.AddSite(42)
		hist.SetListening(true)
		advance(2 * time.Hour)
		if n := len(h.f.calls); n != 0 {
			t.Fatalf("%d calls with polling off, want none", n)
		}
		if !v.Next().IsZero() {
			t.Errorf("Next = %v with polling off", v.Next())
		}
		v.Request()
		advance(time.Hour)
		if got, want := h.f.times("vehicle"), minutes(120); !equalTimes(got, want) {
			t.Errorf("free checks at %v, want only the forced one %v", got, want)
		}
		if s := v.Refresh(t.Context()); s.Data == nil {
			t.Errorf("Refresh with polling off gave %+v", s)
		}
		h.s.SetPolling(true)
		advance(25 * time.Minute)
		// The last refresh ended at 180 min: resume 10 min after it.
		if got, want := h.f.times("vehicle"), minutes(120, 180, 190, 200); !equalTimes(got, want) {
			t.Errorf("free checks at %v, want %v", got, want)
		}
		// Overdue site coordinators refresh at once when polling resumes.
		if got := h.f.times("live_status"); len(got) == 0 || got[0] != 180*time.Minute {
			t.Errorf("live_status at %v, want from 180m", got)
		}
	})
}

// A custom interval replaces the default; 0 restores it.
func TestSetInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, newFake())
		c := h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
		advance(12 * time.Minute) // refreshed at 10
		c.SetInterval(time.Minute)
		if c.Interval() != time.Minute {
			t.Errorf("Interval = %v", c.Interval())
		}
		advance(2*time.Minute + 30*time.Second) // 11 is past: due at once, then 13, 14
		c.SetInterval(0)
		advance(20 * time.Minute)
		want := minutes(10, 12, 13, 14, 24, 34)
		if got := h.f.times("vehicle"); !equalTimes(got, want) {
			t.Errorf("free checks at %v, want %v", got, want)
		}
	})
}

func TestRemove(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, newFake())
		c := h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
		advance(15 * time.Minute)
		c.Remove()
		c.Request()
		advance(time.Hour)
		if got, want := h.f.times("vehicle"), minutes(10); !equalTimes(got, want) {
			t.Errorf("free checks at %v, want %v", got, want)
		}
		if again := h.s.AddVehicle(VehicleSpec{VIN: vinModel3}); again == c {
			t.Error("AddVehicle after Remove returned the removed coordinator")
		}
	})
}

func TestAddIsIdempotent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Config{Fetcher: newFake()})
		a := s.AddVehicle(VehicleSpec{VIN: vinModel3})
		if b := s.AddVehicle(VehicleSpec{VIN: vinModel3, Location: true}); a != b {
			t.Error("second AddVehicle made a new coordinator")
		}
		l1, i1, h1 := s.AddSite(7)
		l2, i2, h2 := s.AddSite(7)
		if l1 != l2 || i1 != i2 || h1 != h2 {
			t.Error("second AddSite made new coordinators")
		}
		for c, k := range map[*Coordinator]Kind{a: KindVehicle, l1: KindEnergyLive, i1: KindEnergyInfo, h1: KindEnergyHistory} {
			if c.Kind() != k {
				t.Errorf("Kind = %q, want %q", c.Kind(), k)
			}
		}
		if l1.SiteID() != 7 || a.VIN() != vinModel3 {
			t.Error("ids lost")
		}
	})
}

func TestRunTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, newFake())
		synctest.Wait()
		if err := h.s.Run(t.Context()); !errors.Is(err, ErrRunning) {
			t.Errorf("second Run = %v, want ErrRunning", err)
		}
	})
}

// Refreshes cut short by the end of Run deliver nothing, and Run returns
// only when they are done.
func TestRunStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		s := New(Config{Fetcher: f, Sink: func(Snapshot) { t.Error("snapshot delivered after cancel") }})
		s.AddVehicle(VehicleSpec{VIN: vinModel3})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- s.Run(ctx) }()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
		time.Sleep(time.Hour)
		if len(f.calls) != 0 {
			t.Errorf("%d calls after Run returned", len(f.calls))
		}
	})
}

// A forced refresh waits for a 429's Retry-After too.
func TestRequestHonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		limited := rateLimited(t, "1800")
		f.vehicle = func(_ string, at time.Duration) (*fleet.Vehicle, error) {
			if at == 10*time.Minute {
				return nil, limited
			}
			return vehicleIn("online"), nil
		}
		h := newHarness(t, f)
		c := h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
		advance(15 * time.Minute)
		c.Request()
		advance(30 * time.Minute)
		if got, want := f.times("vehicle"), minutes(10, 40); !equalTimes(got, want) {
			t.Errorf("free checks at %v, want %v", got, want)
		}
	})
}
