package vcp

import (
	"testing"

	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
	"google.golang.org/protobuf/proto"
)

// FuzzHandle feeds arbitrary bytes to a car with a paired key: Handle must
// never panic and must always answer with a parseable RoutableMessage that
// names the replying domain.
func FuzzHandle(f *testing.F) {
	clk, rec := newFakeClock(), newRecorder()
	car := newTestCar(f, clk, rec)
	s := newSigner(f, universal.Domain_DOMAIN_INFOTAINMENT)
	if err := car.AddKey(s.pub()); err != nil {
		f.Fatal(err)
	}
	s.handshake(car)
	v := newSigner(f, universal.Domain_DOMAIN_VEHICLE_SECURITY)
	v.key = s.key
	v.handshake(car)

	seeds := [][]byte{
		s.handshakeRequest(randBytes(16)),
		s.command(hvacOn(f), msgOpts{flags: 2}),
		s.command(hvacOn(f), msgOpts{gcm: true, counter: 1000}),
		v.command(rke(f, vcsec.RKEAction_E_RKE_ACTION_LOCK), msgOpts{flags: 2}),
		nil,
		{0x0a},
	}
	for _, seed := range seeds[:4] {
		for _, n := range []int{1, len(seed) / 2, len(seed) - 1} {
			seeds = append(seeds, seed[:n])
		}
	}
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		CommandNames(msg) // must not panic either
		out := car.Handle(msg)
		var reply universal.RoutableMessage
		if err := proto.Unmarshal(out, &reply); err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
		if _, ok := reply.GetFromDestination().GetSubDestination().(*universal.Destination_Domain); !ok {
			t.Fatalf("reply has no from domain: %v", &reply)
		}
		rec.take()
	})
}
