package sim

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"testing"
	"testing/synctest"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"google.golang.org/protobuf/proto"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// The car's clock is the world's: a session's clock_time moves with
// /_sim/clock, not with the host's clock.
func TestCarClockIsTheWorldClock(t *testing.T) {
	synctest.Test(t, testCarClock)
}

func testCarClock(t *testing.T) {
	c, err := NewInMemory(Options{Seed: 7}) // Speed 0: the clock moves only when advanced
	if err != nil {
		t.Fatal(err)
	}
	car, ok := c.Car(world.DemoModel3)
	if !ok {
		t.Fatal("no car")
	}
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := car.AddKey(key.PublicKey().Bytes()); err != nil {
		t.Fatal(err)
	}
	raw, err := proto.Marshal(&universalmessage.RoutableMessage{
		ToDestination: &universalmessage.Destination{SubDestination: &universalmessage.Destination_Domain{Domain: universalmessage.Domain_DOMAIN_INFOTAINMENT}},
		FromDestination: &universalmessage.Destination{
			SubDestination: &universalmessage.Destination_RoutingAddress{RoutingAddress: bytes.Repeat([]byte{1}, 16)}},
		Uuid: bytes.Repeat([]byte{2}, 16),
		Payload: &universalmessage.RoutableMessage_SessionInfoRequest{SessionInfoRequest: &universalmessage.SessionInfoRequest{
			PublicKey: key.PublicKey().Bytes()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	clockTime := func() uint32 {
		t.Helper()
		var reply universalmessage.RoutableMessage
		if err := proto.Unmarshal(car.Handle(raw), &reply); err != nil {
			t.Fatal(err)
		}
		var info signatures.SessionInfo
		if err := proto.Unmarshal(reply.GetSessionInfo(), &info); err != nil || len(info.GetEpoch()) == 0 {
			t.Fatalf("no session info in %v: %v", &reply, err)
		}
		return info.GetClockTime()
	}
	before := clockTime()
	time.Sleep(10 * time.Minute) // the host's time passes, simulated time does not
	if got := clockTime(); got != before {
		t.Errorf("clock_time moved %d s with the host clock on a stopped world clock", got-before)
	}
	c.World().Advance(time.Hour)
	if got := clockTime(); got-before != 3600 {
		t.Errorf("clock_time moved %d s after advancing the world an hour; want 3600", got-before)
	}
}
