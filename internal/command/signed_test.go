package command

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Every command with a signed form, sent signed to the simulator's vehicle
// side, arrives as the REST command the car runs.
func TestSignedFormsReachTheCar(t *testing.T) {
	key := newKey(t)
	f := newFake(t)
	car := f.add(t, vinA, "online", SigningRequired, true, key)
	c := newCommander(t, fastConfig(f, key))
	c.MarkState(vinA, "online")
	for _, tc := range []struct {
		cmd  Command
		runs string
		body map[string]any // checked members
	}{
		{Lock(), "door_lock", nil},
		{Unlock(), "door_unlock", nil},
		{OpenFrunk(), "actuate_trunk", map[string]any{"which_trunk": "front"}},
		{ActuateTrunk(), "actuate_trunk", map[string]any{"which_trunk": "rear"}},
		{OpenTrunk(), "actuate_trunk", map[string]any{"which_trunk": "rear"}},
		{CloseTrunk(), "actuate_trunk", map[string]any{"which_trunk": "rear"}},
		{OpenChargePort(), "charge_port_door_open", nil},
		{CloseChargePort(), "charge_port_door_close", nil},
		{RemoteStart(), "remote_start_drive", nil},
		{Honk(), "honk_horn", nil},
		{FlashLights(), "flash_lights", nil},
		{TriggerHomelink(52.5, 13.25), "trigger_homelink", map[string]any{"lat": 52.5, "lon": 13.25}},
		{SetSentryMode(true), "set_sentry_mode", map[string]any{"on": true}},
		{ClimateOn(), "auto_conditioning_start", nil},
		{ClimateOff(), "auto_conditioning_stop", nil},
		{SetTemps(21.5, 20), "set_temps", map[string]any{"driver_temp": 21.5, "passenger_temp": 20.0}},
		{SetPreconditioningMax(true), "set_preconditioning_max", map[string]any{"on": true}},
		{SetClimateKeeperMode(KeeperCamp), "set_climate_keeper_mode", map[string]any{"climate_keeper_mode": 3.0}},
		{SetCabinOverheatProtection(true, true), "set_cabin_overheat_protection", map[string]any{"on": true, "fan_only": true}},
		{SetCOPTemp(30), "set_cop_temp", nil},
		{SetSeatHeater(fleet.SeatRearRight, 2), "remote_seat_heater_request", map[string]any{"seat_position": 5.0, "level": 2.0}},
		{SetAutoSeatClimate(Left, true), "remote_auto_seat_climate_request", map[string]any{"auto_climate_on": true}},
		{SetSteeringWheelHeatLevel(WheelHeatLow), "remote_steering_wheel_heater_request", map[string]any{"on": true}},
		{ChargeStart(), "charge_start", nil},
		{ChargeStop(), "charge_stop", nil},
		{SetChargingAmps(16), "set_charging_amps", map[string]any{"charging_amps": 16.0}},
		{SetChargeLimit(85), "set_charge_limit", map[string]any{"percent": 85.0}},
		{VentWindows(nil), "window_control", map[string]any{"command": "vent"}},
		{CloseWindows(nil), "window_control", map[string]any{"command": "close"}},
		{SunroofVent(), "sun_roof_control", map[string]any{"state": "vent"}},
		{SunroofClose(), "sun_roof_control", map[string]any{"state": "close"}},
		{MediaTogglePlayback(), "media_toggle_playback", nil},
		{MediaNextTrack(), "media_next_track", nil},
		{MediaPreviousTrack(), "media_prev_track", nil},
		{SetVolume(7.5), "adjust_volume", map[string]any{"volume": 7.5}}, // the same absolute volume both ways
		{SetVolume(11), "adjust_volume", map[string]any{"volume": 10.0}}, // the SDK's ceiling
		{ScheduleSoftwareUpdate(2 * time.Minute), "schedule_software_update", map[string]any{"offset_sec": 120.0}},
	} {
		if err := c.Send(context.Background(), vinA, tc.cmd); err != nil {
			t.Errorf("%s: %v", tc.cmd.Name(), err)
			continue
		}
		car.exec.mu.Lock()
		last, body := car.exec.calls[len(car.exec.calls)-1], car.exec.bodies[len(car.exec.bodies)-1]
		car.exec.mu.Unlock()
		if last != tc.runs {
			t.Errorf("%s: car ran %s, want %s", tc.cmd.Name(), last, tc.runs)
		}
		for k, want := range tc.body {
			if body[k] != want {
				t.Errorf("%s: %s = %v, want %v (%v)", tc.cmd.Name(), k, body[k], want, body)
			}
		}
	}
	if f.count("command") != 0 {
		t.Fatalf("REST used for a required car: %v", f.calls)
	}
	if hs := car.car.Stats().Handshakes; hs != 2 {
		t.Fatalf("handshakes = %d, want 2 (one per domain)", hs)
	}
}

func TestSessionsSurviveARestart(t *testing.T) {
	key := newKey(t)
	f := newFake(t)
	car := f.add(t, vinA, "online", SigningRequired, true, key)
	store := &MemorySessionStore{}
	ctx := context.Background()

	cfg := fastConfig(f, key)
	cfg.Sessions = store
	first := newCommander(t, cfg)
	first.MarkState(vinA, "online")
	if err := first.Send(ctx, vinA, Lock()); err != nil {
		t.Fatal(err)
	}
	if err := first.Send(ctx, vinA, SetChargeLimit(75)); err != nil {
		t.Fatal(err)
	}
	if hs := car.car.Stats().Handshakes; hs != 2 {
		t.Fatalf("handshakes = %d, want 2", hs)
	}
	if data, _ := store.LoadSessions(ctx); len(data) == 0 {
		t.Fatal("nothing saved")
	}

	second := newCommander(t, cfg) // a restart: same key, same store
	second.MarkState(vinA, "online")
	if err := second.Send(ctx, vinA, Unlock()); err != nil {
		t.Fatal(err)
	}
	if err := second.Send(ctx, vinA, ChargeStart()); err != nil {
		t.Fatal(err)
	}
	if st := car.car.Stats(); st.Handshakes != 2 || st.Rejected != 0 {
		t.Fatalf("after restart: %+v, want no new handshake and no rejection", st)
	}
}

func TestEpochChangeIsInvisibleToTheCaller(t *testing.T) {
	key := newKey(t)
	f := newFake(t)
	car := f.add(t, vinA, "online", SigningRequired, true, key)
	c := newCommander(t, fastConfig(f, key))
	c.MarkState(vinA, "online")
	ctx := context.Background()
	if err := c.Send(ctx, vinA, ClimateOn()); err != nil {
		t.Fatal(err)
	}
	car.car.Reboot("") // both domains get a new epoch
	if err := c.Send(ctx, vinA, ClimateOff()); err != nil {
		t.Fatalf("after reboot: %v", err)
	}
	if err := c.Send(ctx, vinA, Lock()); err != nil {
		t.Fatalf("after reboot: %v", err)
	}
	names := car.exec.names()
	if len(names) != 3 || names[1] != "auto_conditioning_stop" || names[2] != "door_lock" {
		t.Fatalf("car ran %v", names)
	}
}

func TestBatchUsesOneWakeAndRunsInOrder(t *testing.T) {
	key := newKey(t)
	f := newFake(t)
	car := f.add(t, vinA, "asleep", SigningRequired, true, key)
	car.onlineAfter = 1
	c := newCommander(t, fastConfig(f, key))
	if err := c.Send(context.Background(), vinA, ClimateOn(), SetSeatHeater(fleet.SeatFrontLeft, 3)); err != nil {
		t.Fatal(err)
	}
	if n := f.count("wake_up"); n != 1 {
		t.Fatalf("wake_up = %d", n)
	}
	if got := car.exec.names(); len(got) != 2 || got[0] != "auto_conditioning_start" || got[1] != "remote_seat_heater_request" {
		t.Fatalf("car ran %v", got)
	}
}

func TestFileSessionStore(t *testing.T) {
	ctx := context.Background()
	s := FileSessionStore{Path: filepath.Join(t.TempDir(), "sessions.json")}
	if b, err := s.LoadSessions(ctx); err != nil || b != nil {
		t.Fatalf("empty store: %q %v", b, err)
	}
	if err := s.SaveSessions(ctx, []byte(`{"vehicles":{}}`)); err != nil {
		t.Fatal(err)
	}
	if b, err := s.LoadSessions(ctx); err != nil || string(b) != `{"vehicles":{}}` {
		t.Fatalf("got %q %v", b, err)
	}
}

func TestUnreadableSessionCacheCostsOnlyAHandshake(t *testing.T) {
	key := newKey(t)
	f := newFake(t)
	car := f.add(t, vinA, "online", SigningRequired, true, key)
	store := &MemorySessionStore{}
	_ = store.SaveSessions(context.Background(), []byte("not json"))
	cfg := fastConfig(f, key)
	cfg.Sessions = store
	c := newCommander(t, cfg)
	c.MarkState(vinA, "online")
	if err := c.Send(context.Background(), vinA, Honk()); err != nil {
		t.Fatal(err)
	}
	if hs := car.car.Stats().Handshakes; hs != 1 {
		t.Fatalf("handshakes = %d", hs)
	}
}

func TestParsePrivateKey(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sec1, _ := x509.MarshalECPrivateKey(ec)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(ec)
	pub, _ := ec.PublicKey.ECDH()
	for _, block := range []*pem.Block{{Type: "EC PRIVATE KEY", Bytes: sec1}, {Type: "PRIVATE KEY", Bytes: pkcs8}} {
		k, err := ParsePrivateKey(pem.EncodeToMemory(block))
		if err != nil {
			t.Fatalf("%s: %v", block.Type, err)
		}
		if string(k.PublicBytes()) != string(pub.Bytes()) {
			t.Fatalf("%s: wrong public key", block.Type)
		}
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	der, _ := x509.MarshalECPrivateKey(p384)
	for name, in := range map[string][]byte{
		"garbage": []byte("nope"),
		"P-384":   pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}),
		"public":  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}),
	} {
		if _, err := ParsePrivateKey(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := LoadPrivateKey(filepath.Join(t.TempDir(), "missing.pem")); err == nil || errors.Is(err, nil) {
		t.Error("missing file accepted")
	}
}
