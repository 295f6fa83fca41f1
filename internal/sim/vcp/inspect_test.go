package vcp

import (
	"slices"
	"testing"

	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
)

// CommandNames names exactly what the car then executes for a signed
// command, reads nothing into handshakes or garbage, and cannot read an
// encrypted payload.
func TestCommandNamesMatchesWhatTheCarRuns(t *testing.T) {
	clk, rec := newFakeClock(), newRecorder()
	car := newTestCar(t, clk, rec)
	info := newSigner(t, universal.Domain_DOMAIN_INFOTAINMENT)
	if err := car.AddKey(info.pub()); err != nil {
		t.Fatal(err)
	}
	info.handshake(car)
	sec := newSigner(t, universal.Domain_DOMAIN_VEHICLE_SECURITY)
	sec.key = info.key
	sec.handshake(car)

	for _, msg := range [][]byte{
		info.command(hvacOn(t), msgOpts{flags: 2}),
		sec.command(rke(t, vcsec.RKEAction_E_RKE_ACTION_UNLOCK), msgOpts{}),
	} {
		names, readable := CommandNames(msg)
		if !readable || len(names) == 0 {
			t.Fatalf("CommandNames = %v, %v", names, readable)
		}
		decodeReply(t, car.Handle(msg))
		var ran []string
		for _, c := range rec.take() {
			ran = append(ran, c.name)
		}
		if !slices.Equal(names, ran) {
			t.Errorf("CommandNames = %v, the car ran %v", names, ran)
		}
	}
	if names, readable := CommandNames(sec.command(rke(t, vcsec.RKEAction_E_RKE_ACTION_WAKE_VEHICLE), msgOpts{})); !readable || !slices.Equal(names, []string{"wake_up"}) {
		t.Errorf("wake: %v, %v", names, readable)
	}
	for name, msg := range map[string][]byte{"handshake": info.handshakeRequest(randBytes(16)), "garbage": {0xff, 0x01}, "empty": nil} {
		if names, readable := CommandNames(msg); !readable || names != nil {
			t.Errorf("%s: %v, %v", name, names, readable)
		}
	}
	if _, readable := CommandNames(info.command(hvacOn(t), msgOpts{gcm: true})); readable {
		t.Error("an AES-GCM command reads as readable")
	}
}
