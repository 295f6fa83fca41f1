package command

import (
	"context"
	"errors"
	"testing"

	"github.com/teslamotors/vehicle-command/pkg/protocol"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

func TestChoicePerCommandSigning(t *testing.T) {
	key := newKey(t)
	for _, tc := range []struct {
		name    string
		signing string
		paired  bool
		noKey   bool
		cmd     Command
		signed  bool  // expect signed_command traffic
		rest    bool  // expect a REST command
		class   error // expected error class, nil = success
	}{
		{"required paired", SigningRequired, true, false, Lock(), true, false, nil},
		{"required infotainment", SigningRequired, true, false, SetChargeLimit(70), true, false, nil},
		{"required unpaired", SigningRequired, false, false, Lock(), true, false, fleet.ErrKeyNotPaired},
		{"required without key", SigningRequired, true, true, Lock(), false, false, fleet.ErrSigningRequired},
		{"required boombox", SigningRequired, true, false, Boombox(fleet.BoomboxFart), false, false, fleet.ErrNotSupported},
		{"allowed paired", SigningAllowed, true, false, Honk(), true, false, nil},
		{"allowed unpaired", SigningAllowed, false, false, Honk(), false, true, nil},
		{"allowed without key", SigningAllowed, true, true, Honk(), false, true, nil},
		{"allowed boombox goes REST", SigningAllowed, true, false, Boombox(fleet.BoomboxLocatePing), false, true, nil},
		{"off", SigningOff, true, false, Honk(), false, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.add(t, vinA, "online", tc.signing, tc.paired, key)
			cfg := fastConfig(f, key)
			if tc.noKey {
				cfg.Key = nil
			}
			c := newCommander(t, cfg)
			c.MarkState(vinA, "online")
			err := c.Send(context.Background(), vinA, tc.cmd)
			if tc.class == nil && err != nil || tc.class != nil && !errors.Is(err, tc.class) {
				t.Fatalf("err = %v, want %v", err, tc.class)
			}
			if got := f.count("signed") > 0; got != tc.signed {
				t.Errorf("signed traffic = %v, want %v (%v)", got, tc.signed, f.calls)
			}
			if got := f.count("command") > 0; got != tc.rest {
				t.Errorf("REST command = %v, want %v (%v)", got, tc.rest, f.calls)
			}
		})
	}
}

func TestProductsAndFleetStatusAreAskedOnce(t *testing.T) {
	key := newKey(t)
	f := newFake(t)
	f.add(t, vinA, "online", SigningAllowed, true, key)
	f.add(t, vinB, "online", SigningOff, false, key)
	c := newCommander(t, fastConfig(f, key))
	ctx := context.Background()
	for range 3 {
		if err := c.Send(ctx, vinA, Honk()); err != nil {
			t.Fatal(err)
		}
		if err := c.Send(ctx, vinB, Honk()); err != nil {
			t.Fatal(err)
		}
	}
	if p, s := f.count("products"), f.count("fleet_status"); p != 1 || s != 1 {
		t.Fatalf("products=%d fleet_status=%d, want 1 and 1", p, s)
	}
	// Refresh asks again.
	c.Refresh(vinA)
	if err := c.Send(ctx, vinA, Honk()); err != nil {
		t.Fatal(err)
	}
	if p, s := f.count("products"), f.count("fleet_status"); p != 2 || s != 2 {
		t.Fatalf("after Refresh: products=%d fleet_status=%d, want 2 and 2", p, s)
	}
}

func TestSetCommandSigningSparesProducts(t *testing.T) {
	f := newFake(t)
	f.add(t, vinA, "online", SigningOff, false, nil)
	c := newCommander(t, fastConfig(f, nil))
	c.SetCommandSigning(vinA, SigningOff)
	c.MarkState(vinA, "online")
	if err := c.Send(context.Background(), vinA, Honk()); err != nil {
		t.Fatal(err)
	}
	if n := f.count("products"); n != 0 {
		t.Fatalf("products calls = %d, want 0", n)
	}
}

func TestAllowedCarThatDoesNotKnowOurKeyFallsBackToREST(t *testing.T) {
	// fleet_status says paired, the car disagrees (the key was removed
	// in the car): the handshake fails, nothing was sent, REST carries it.
	key := newKey(t)
	f := newFake(t)
	car := f.add(t, vinA, "online", SigningAllowed, true, key)
	car.car.RemoveKey(key.PublicBytes())
	c := newCommander(t, fastConfig(f, key))
	c.MarkState(vinA, "online")
	if err := c.Send(context.Background(), vinA, FlashLights()); err != nil {
		t.Fatal(err)
	}
	if got := car.exec.names(); len(got) != 1 || got[0] != "flash_lights" {
		t.Fatalf("car ran %v", got)
	}
	if f.count("command") != 1 {
		t.Fatalf("want one REST command: %v", f.calls)
	}
}

func TestProtocolNotSupportedFallsBackToRESTAndIsRemembered(t *testing.T) {
	key := newKey(t)
	f := newFake(t)
	f.add(t, vinA, "online", SigningAllowed, true, key)
	f.signed = func(vin string, msg []byte) ([]byte, error) { return nil, apiError(422, fleet.ErrProtocolNotSupported) }
	c := newCommander(t, fastConfig(f, key))
	c.MarkState(vinA, "online")
	ctx := context.Background()
	for range 2 {
		if err := c.Send(ctx, vinA, Honk()); err != nil {
			t.Fatal(err)
		}
	}
	if s, r := f.count("signed"), f.count("command"); s != 1 || r != 2 {
		t.Fatalf("signed=%d rest=%d, want 1 and 2", s, r)
	}
}

func TestSignedErrorsEndPromptly(t *testing.T) {
	// The dispatcher retries only Temporary errors: every fleet error must
	// end the command at the first answer, not spin until the deadline.
	key := newKey(t)
	for _, tc := range []struct {
		name  string
		err   error
		class error
	}{
		{"408", errAsleep408, fleet.ErrAsleep},
		{"429", apiError(429, fleet.ErrRateLimited), fleet.ErrRateLimited},
		{"503", apiError(503, fleet.ErrServer), fleet.ErrFailed},
		{"403 scope", apiError(403, fleet.ErrMissingScope), fleet.ErrMissingScope},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.add(t, vinA, "online", SigningRequired, true, key)
			f.signed = func(vin string, msg []byte) ([]byte, error) { return nil, tc.err }
			cfg := fastConfig(f, key)
			cfg.RetryInterval = 1 // 1 ns: a spinning dispatcher would call thousands of times
			c := newCommander(t, cfg)
			c.MarkState(vinA, "online")
			err := c.Send(context.Background(), vinA, Lock())
			if !errors.Is(err, tc.class) {
				t.Fatalf("err = %v, want %v", err, tc.class)
			}
			want := 1
			if tc.class == fleet.ErrAsleep {
				want = 2 // one retry after a wake
			}
			if n := f.count("signed"); n != want {
				t.Fatalf("signed_command calls = %d, want %d", n, want)
			}
			if fleet.MayHaveSucceeded(err) {
				t.Fatalf("a failed handshake sent no command: %v", err)
			}
		})
	}
}

func TestKeyNotPairedCarriesPairingLink(t *testing.T) {
	key := newKey(t)
	f := newFake(t)
	f.add(t, vinA, "online", SigningRequired, false, key)
	c := newCommander(t, fastConfig(f, key))
	c.MarkState(vinA, "online")
	err := c.Send(context.Background(), vinA, Unlock())
	if !errors.Is(err, fleet.ErrKeyNotPaired) || !errors.Is(err, protocol.ErrKeyNotPaired) {
		t.Fatalf("err = %v, want fleet.ErrKeyNotPaired (and the SDK's)", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.PairingURL != "https://tesla.com/_ak/example.com" {
		t.Fatalf("pairing URL = %+v", e)
	}
	if want := "https://tesla.com/_ak/example.com"; !contains(err.Error(), want) {
		t.Fatalf("message %q does not name %s", err, want)
	}
}
