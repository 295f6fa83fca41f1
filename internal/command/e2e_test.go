package command_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

func TestE2ECommandsTakeEffect(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	ctx := context.Background()
	for _, vin := range []string{e.m3, e.ms} { // signed, then REST
		t.Run(map[string]string{e.m3: "signed", e.ms: "rest"}[vin], func(t *testing.T) {
			c := e.commander(&command.MemorySessionStore{}, true)
			plugged, level := true, 40.0
			e.setVehicle(vin, world.VehiclePatch{PluggedIn: &plugged, BatteryLevel: &level})
			for _, step := range []struct {
				cmd     command.Command
				section string
				key     string
				want    any
			}{
				{command.Lock(), "vehicle_state", "locked", true},
				{command.Unlock(), "vehicle_state", "locked", false},
				{command.SetChargeLimit(81), "charge_state", "charge_limit_soc", 81.0},
				{command.SetChargingAmps(13), "charge_state", "charge_current_request", 13.0},
				{command.ChargeStop(), "", "", nil}, // plugged in: it may be charging already
				{command.ChargeStart(), "charge_state", "charging_state", "Charging"},
				{command.ChargeStop(), "charge_state", "charging_state", "Stopped"},
				{command.ClimateOn(), "climate_state", "is_climate_on", true},
				{command.SetTemps(22, 22), "climate_state", "driver_temp_setting", 22.0},
				{command.ClimateOff(), "climate_state", "is_climate_on", false},
				{command.ActuateTrunk(), "vehicle_state", "rt", 1.0},
				{command.ActuateTrunk(), "vehicle_state", "rt", 0.0},
				{command.OpenFrunk(), "vehicle_state", "ft", 1.0},
				{command.SetSentryMode(true), "vehicle_state", "sentry_mode", true},
				{command.VentWindows(nil), "vehicle_state", "fd_window", 1.0},
				{command.CloseWindows(nil), "vehicle_state", "fd_window", 0.0},
				{command.SetSeatHeater(fleet.SeatFrontLeft, 3), "climate_state", "seat_heater_left", 3.0},
				{command.OpenChargePort(), "charge_state", "charge_port_door_open", true},
			} {
				if err := c.Send(ctx, vin, step.cmd); err != nil {
					t.Fatalf("%s: %v", step.cmd.Name(), err)
				}
				if step.section == "" {
					continue
				}
				got := e.data(vin)[step.section][step.key]
				if step.key == "charging_state" && step.want == "Charging" && got == "Starting" {
					got = "Charging"
				}
				if got != step.want {
					t.Fatalf("after %s: %s.%s = %v, want %v", step.cmd.Name(), step.section, step.key, got, step.want)
				}
			}
		})
	}
	if hs := e.handshakes(e.m3); hs != 2 {
		t.Errorf("handshakes = %d, want 2 (VCSEC and INFOTAINMENT once each)", hs)
	}
}

func TestE2EUnpairedKeyNamesThePairingLink(t *testing.T) {
	e := startE2E(t)
	c := e.commander(nil, true)
	err := c.Send(context.Background(), e.m3, command.Lock())
	if !errors.Is(err, fleet.ErrKeyNotPaired) {
		t.Fatalf("err = %v, want fleet.ErrKeyNotPaired", err)
	}
	if !strings.Contains(err.Error(), "https://tesla.com/_ak/"+appDomain) {
		t.Fatalf("message %q lacks the pairing link", err)
	}
	// The owner opens the link: the sim fetches our hosted key and pairs it.
	e.control("GET", "/_ak/"+appDomain+"?vin="+e.m3, nil, nil)
	if err := c.Send(context.Background(), e.m3, command.Lock()); err != nil {
		t.Fatalf("after pairing: %v", err)
	}
}

func TestE2EEpochChangeResyncsSilently(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	c := e.commander(nil, true)
	ctx := context.Background()
	if err := c.Send(ctx, e.m3, command.Lock()); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, e.m3, command.ClimateOn()); err != nil {
		t.Fatal(err)
	}
	e.control("POST", "/_sim/vehicles/"+e.m3+"/reboot", map[string]string{"domain": ""}, nil)
	if err := c.Send(ctx, e.m3, command.Unlock()); err != nil {
		t.Fatalf("after reboot: %v", err)
	}
	if err := c.Send(ctx, e.m3, command.ClimateOff()); err != nil {
		t.Fatalf("after reboot: %v", err)
	}
	d := e.data(e.m3)
	if d["vehicle_state"]["locked"] != false || d["climate_state"]["is_climate_on"] != false {
		t.Fatalf("commands after the reboot did not run: %v %v", d["vehicle_state"]["locked"], d["climate_state"]["is_climate_on"])
	}
}

func TestE2ERESTToRequiredVehicleNeedsSigning(t *testing.T) {
	e := startE2E(t)
	ctx := context.Background()
	_, err := e.fleet.Command(ctx, e.m3, "door_lock", nil)
	if !errors.Is(err, fleet.ErrSigningRequired) {
		t.Fatalf("fleet REST to a required car: %v, want fleet.ErrSigningRequired", err)
	}
	// A Commander without a key cannot reach it either, and says why.
	c, err := command.New(command.Config{Fleet: e.fleet, Domain: appDomain})
	if err != nil {
		t.Fatal(err)
	}
	c.MarkState(e.m3, "online")
	if err := c.Send(ctx, e.m3, command.Lock()); !errors.Is(err, fleet.ErrSigningRequired) {
		t.Fatalf("err = %v, want fleet.ErrSigningRequired", err)
	}
}

func TestE2EBurstToSleepingCarWakesOnce(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	asleep := "asleep"
	e.setVehicle(e.m3, world.VehiclePatch{State: &asleep})
	e.control("DELETE", "/_sim/billing", nil, nil)
	c := e.commander(nil, true)
	cmds := []command.Command{command.Lock(), command.ClimateOn(), command.SetChargeLimit(77), command.FlashLights(), command.SetSentryMode(true)}
	var wg sync.WaitGroup
	errs := make(chan error, len(cmds))
	for _, cmd := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.Send(context.Background(), e.m3, cmd)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if w := e.billing(e.m3)["wakes"]; w != 1 {
		t.Fatalf("wakes billed = %d, want 1", w)
	}
	d := e.data(e.m3)
	if d["vehicle_state"]["locked"] != true || d["charge_state"]["charge_limit_soc"] != 77.0 || d["vehicle_state"]["sentry_mode"] != true {
		t.Fatalf("not every command ran: %v", d["vehicle_state"])
	}
}

func TestE2EWakeTimeoutSaysSoWithoutRetrying(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	asleep := "asleep"
	e.setVehicle(e.m3, world.VehiclePatch{State: &asleep})
	e.control("DELETE", "/_sim/billing", nil, nil)
	c := e.commander(nil, false) // the clock never moves: the car never wakes
	err := c.Send(context.Background(), e.m3, command.ChargeStart())
	if !errors.Is(err, fleet.ErrWakeTimeout) || fleet.MayHaveSucceeded(err) {
		t.Fatalf("err = %v, want a certain fleet.ErrWakeTimeout", err)
	}
	b := e.billing(e.m3)
	if b["wakes"] != 1 || b["commands"] != 0 {
		t.Fatalf("billing = %v, want 1 wake and no command", b)
	}
}

func TestE2ESessionCacheSurvivesRestart(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	store := command.FileSessionStore{Path: filepath.Join(t.TempDir(), "sessions.json")}
	ctx := context.Background()
	first := e.commander(store, true)
	if err := first.Send(ctx, e.m3, command.Lock()); err != nil {
		t.Fatal(err)
	}
	if err := first.Send(ctx, e.m3, command.SetChargeLimit(70)); err != nil {
		t.Fatal(err)
	}
	before := e.handshakes(e.m3)
	if before != 2 {
		t.Fatalf("handshakes = %d, want 2", before)
	}
	second := e.commander(store, true) // the restart
	if err := second.Send(ctx, e.m3, command.Unlock()); err != nil {
		t.Fatal(err)
	}
	if err := second.Send(ctx, e.m3, command.SetChargeLimit(72)); err != nil {
		t.Fatal(err)
	}
	if after := e.handshakes(e.m3); after != before {
		t.Fatalf("handshakes after restart = %d, want %d (none new)", after, before)
	}
}

func TestE2EEnergyCommands(t *testing.T) {
	e := startE2E(t)
	c := e.commander(nil, false)
	p, err := e.fleet.Products(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sites := p.EnergySites()
	if len(sites) == 0 || sites[0].EnergySiteID == nil {
		t.Fatal("no energy site")
	}
	id := *sites[0].EnergySiteID
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cmd  command.Command
	}{
		{"backup", command.SetBackupReserve(35)},
		{"mode", command.SetOperationMode(fleet.ModeSelfConsumption)},
		{"storm", command.SetStormMode(false)},
		{"export", command.SetExportRule(fleet.ExportPVOnly)},
		{"grid charging", command.SetGridCharging(false)},
		{"off-grid reserve", command.SetOffGridVehicleChargingReserve(40)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := c.SendSite(ctx, id, tc.cmd); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := c.SendSite(ctx, id, command.SetBackupReserve(120)); !errors.Is(err, fleet.ErrInvalidRequest) {
		t.Errorf("reserve 120: %v, want fleet.ErrInvalidRequest", err)
	}
	si, err := e.fleet.SiteInfo(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if si.BackupReservePercent == nil || *si.BackupReservePercent != 35 ||
		si.DefaultRealMode == nil || *si.DefaultRealMode != fleet.ModeSelfConsumption ||
		si.Components == nil || si.Components.CustomerPreferredExportRule == nil || *si.Components.CustomerPreferredExportRule != fleet.ExportPVOnly ||
		si.Components.DisallowChargeFromGridWithSolarInstalled == nil || !*si.Components.DisallowChargeFromGridWithSolarInstalled {
		t.Errorf("site after the commands: %+v", si)
	}
}

func TestE2EStaleOnlineStateGets408ThenOneWakeAndRetry(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	c := e.commander(nil, true)
	ctx := context.Background()
	if err := c.Send(ctx, e.m3, command.Lock()); err != nil { // known online, sessions cached
		t.Fatal(err)
	}
	asleep := "asleep"
	e.setVehicle(e.m3, world.VehiclePatch{State: &asleep}) // it fell asleep since
	e.control("DELETE", "/_sim/billing", nil, nil)
	if err := c.Send(ctx, e.m3, command.Unlock()); err != nil {
		t.Fatal(err)
	}
	if w := e.billing(e.m3)["wakes"]; w != 1 {
		t.Fatalf("wakes = %d, want 1", w)
	}
	if e.data(e.m3)["vehicle_state"]["locked"] != false {
		t.Fatal("the retried unlock did not run")
	}
}

func TestE2EServerErrorMayHaveSucceededAndIsNotRetried(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	c := e.commander(nil, true)
	ctx := context.Background()
	if err := c.Send(ctx, e.m3, command.FlashLights()); err != nil { // sessions up, known online
		t.Fatal(err)
	}
	if err := c.Send(ctx, e.ms, command.FlashLights()); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		path string
		send func() error
	}{
		"signed": {"/api/1/vehicles/" + e.m3 + "/signed_command", func() error { return c.Send(ctx, e.m3, command.SetSentryMode(true)) }},
		"rest":   {"/api/1/vehicles/" + e.ms + "/command/set_sentry_mode", func() error { return c.Send(ctx, e.ms, command.SetSentryMode(true)) }},
	} {
		t.Run(name, func(t *testing.T) {
			// One 503: a retry would succeed, so success here would mean a blind retry.
			e.control("POST", "/_sim/faults", map[string]any{"method": "POST", "path": tc.path, "status": 503, "count": 1}, nil)
			err := tc.send()
			if err == nil || !fleet.MayHaveSucceeded(err) {
				t.Fatalf("err = %v, want a may-have-succeeded failure", err)
			}
			if !errors.Is(err, fleet.ErrServer) {
				t.Fatalf("err = %v lost fleet.ErrServer", err)
			}
		})
	}
}

// A simulated world running 60× faster than real time keeps signed
// commands working: the car's protocol clock never outruns the client's
// real-time view of a message's lifetime.
func TestE2ESignedCommandsOnAFastClock(t *testing.T) {
	e := startE2E(t)
	e.pair(e.m3)
	c := e.commander(nil, true)
	e.s.World().SetSpeed(60)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Send(ctx, e.m3, command.Lock()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // two simulated minutes
	before := e.billing(e.m3)["commands"]
	if err := c.Send(ctx, e.m3, command.Unlock()); err != nil {
		t.Fatalf("a signed command two real seconds after the handshake: %v", err)
	}
	if got := e.billing(e.m3)["commands"] - before; got != 1 {
		t.Errorf("%d commands billed for one unlock, want 1", got)
	}
	if locked := e.data(e.m3)["vehicle_state"]["locked"]; locked != false {
		t.Errorf("locked = %v after unlock", locked)
	}
}
