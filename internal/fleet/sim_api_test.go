package fleet_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// TestSimRoundTrips calls every read endpoint and every typed command
// against the demo world and checks the typed answers.
func TestSimRoundTrips(t *testing.T) {
	e := startSim(t, sim.Options{WakeDelay: 10 * time.Second})
	c := e.client(t)
	ctx := t.Context()

	p, err := c.Products(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signing := map[string]string{}
	for _, v := range p.Vehicles() {
		signing[*v.VIN] = *v.CommandSigning
	}
	if signing[world.DemoModel3] != "required" || signing[world.DemoModelS] != "off" {
		t.Errorf("command_signing %v", signing)
	}
	sites := p.EnergySites()
	if len(sites) != 1 || *sites[0].EnergySiteID != world.DemoSiteID || !sites[0].HasComponents() || len(sites[0].Components.WallConnectors) != 2 {
		t.Fatalf("energy sites %+v", sites)
	}
	list, err := c.Vehicles(ctx, 0, 0)
	if err != nil || len(list.Vehicles) != 2 {
		t.Fatalf("Vehicles = %v, %v", list, err)
	}
	ur, err := c.UsersRegion(ctx)
	if err != nil || *ur.FleetAPIBaseURL != e.URLs["NA"] {
		t.Errorf("UsersRegion = %+v, %v", ur, err)
	}

	// Wake the Model S: wake_up answers at once, the car is online after the delay.
	vin := world.DemoModelS
	e.setState(t, vin, "asleep")
	if _, err := c.VehicleData(ctx, vin); !errors.Is(err, fleet.ErrAsleep) {
		t.Errorf("asleep vehicle_data: %v", err)
	}
	if _, err := c.WakeUp(ctx, vin); err != nil {
		t.Fatal(err)
	}
	e.control(t, "POST", "/_sim/clock", map[string]string{"advance": "30s"}, nil)
	v, err := c.Vehicle(ctx, vin)
	if err != nil || !v.Online() {
		t.Fatalf("after wake: %v %v", v, err)
	}

	vd, err := c.VehicleData(ctx, vin, fleet.AllSections...)
	if err != nil {
		t.Fatal(err)
	}
	if vd.ChargeState == nil || vd.ClimateState == nil || vd.DriveState == nil || vd.DriveState.Latitude == nil ||
		vd.GUISettings == nil || vd.VehicleConfig == nil || vd.VehicleState == nil || vd.VehicleState.MediaInfo == nil {
		t.Fatalf("vehicle_data sections missing: %+v", vd)
	}
	lat, lon := *vd.DriveState.Latitude, *vd.DriveState.Longitude

	type cmd struct {
		name string
		do   func() (*fleet.CommandResult, error)
	}
	cmds := []cmd{
		{"door_unlock", func() (*fleet.CommandResult, error) { return c.DoorUnlock(ctx, vin) }},
		{"door_lock", func() (*fleet.CommandResult, error) { return c.DoorLock(ctx, vin) }},
		{"actuate_trunk", func() (*fleet.CommandResult, error) { return c.ActuateTrunk(ctx, vin, fleet.TrunkFront) }},
		{"charge_port_door_open", func() (*fleet.CommandResult, error) { return c.ChargePortDoorOpen(ctx, vin) }},
		{"charge_port_door_close", func() (*fleet.CommandResult, error) { return c.ChargePortDoorClose(ctx, vin) }},
		{"remote_start_drive", func() (*fleet.CommandResult, error) { return c.RemoteStartDrive(ctx, vin) }},
		{"honk_horn", func() (*fleet.CommandResult, error) { return c.HonkHorn(ctx, vin) }},
		{"flash_lights", func() (*fleet.CommandResult, error) { return c.FlashLights(ctx, vin) }},
		{"remote_boombox", func() (*fleet.CommandResult, error) { return c.RemoteBoombox(ctx, vin, fleet.BoomboxLocatePing) }},
		{"trigger_homelink", func() (*fleet.CommandResult, error) { return c.TriggerHomelink(ctx, vin, lat, lon) }},
		{"set_sentry_mode", func() (*fleet.CommandResult, error) { return c.SetSentryMode(ctx, vin, true) }},
		{"auto_conditioning_start", func() (*fleet.CommandResult, error) { return c.AutoConditioningStart(ctx, vin) }},
		{"set_temps", func() (*fleet.CommandResult, error) { return c.SetTemps(ctx, vin, 21, 21.5) }},
		{"set_preconditioning_max", func() (*fleet.CommandResult, error) { return c.SetPreconditioningMax(ctx, vin, true, false) }},
		{"set_climate_keeper_mode", func() (*fleet.CommandResult, error) { return c.SetClimateKeeperMode(ctx, vin, fleet.ClimateKeeperDog) }},
		{"set_cabin_overheat_protection", func() (*fleet.CommandResult, error) { return c.SetCabinOverheatProtection(ctx, vin, true, true) }},
		{"set_cop_temp", func() (*fleet.CommandResult, error) { return c.SetCopTemp(ctx, vin, 1) }},
		{"remote_seat_heater_request", func() (*fleet.CommandResult, error) {
			return c.RemoteSeatHeaterRequest(ctx, vin, fleet.SeatFrontLeft, 3)
		}},
		{"remote_auto_seat_climate_request", func() (*fleet.CommandResult, error) { return c.RemoteAutoSeatClimateRequest(ctx, vin, 1, true) }},
		{"remote_steering_wheel_heat_level_request", func() (*fleet.CommandResult, error) { return c.RemoteSteeringWheelHeatLevelRequest(ctx, vin, 1) }},
		{"remote_auto_steering_wheel_heat_climate_request", func() (*fleet.CommandResult, error) {
			return c.RemoteAutoSteeringWheelHeatClimateRequest(ctx, vin, false)
		}},
		{"remote_steering_wheel_heater_request", func() (*fleet.CommandResult, error) { return c.RemoteSteeringWheelHeaterRequest(ctx, vin, true) }},
		{"auto_conditioning_stop", func() (*fleet.CommandResult, error) { return c.AutoConditioningStop(ctx, vin) }},
		{"(plug in)", func() (*fleet.CommandResult, error) {
			e.control(t, "PATCH", "/_sim/vehicles/"+vin, map[string]any{"plugged_in": true}, nil)
			return &fleet.CommandResult{Result: true}, nil
		}},
		{"set_charge_limit", func() (*fleet.CommandResult, error) { return c.SetChargeLimit(ctx, vin, 85) }},
		{"set_charging_amps", func() (*fleet.CommandResult, error) { return c.SetChargingAmps(ctx, vin, 12) }},
		{"charge_stop", func() (*fleet.CommandResult, error) { return c.ChargeStop(ctx, vin) }},
		{"charge_start", func() (*fleet.CommandResult, error) { return c.ChargeStart(ctx, vin) }},
		{"window_control", func() (*fleet.CommandResult, error) { return c.WindowControl(ctx, vin, "vent", lat, lon) }},
		{"sun_roof_control", func() (*fleet.CommandResult, error) { return c.SunRoofControl(ctx, vin, "vent") }},
		{"media_toggle_playback", func() (*fleet.CommandResult, error) { return c.MediaTogglePlayback(ctx, vin) }},
		{"media_next_track", func() (*fleet.CommandResult, error) { return c.MediaNextTrack(ctx, vin) }},
		{"media_prev_track", func() (*fleet.CommandResult, error) { return c.MediaPrevTrack(ctx, vin) }},
		{"adjust_volume", func() (*fleet.CommandResult, error) { return c.AdjustVolume(ctx, vin, 5) }},
		{"schedule_software_update", func() (*fleet.CommandResult, error) { return c.ScheduleSoftwareUpdate(ctx, vin, 0) }},
	}
	for i, tc := range cmds {
		if i%20 == 0 {
			e.control(t, "DELETE", "/_sim/ratelimits", nil, nil) // 30 commands per minute
		}
		res, err := tc.do()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if err := res.Err(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	after, err := c.VehicleData(ctx, vin, fleet.SectionChargeState, fleet.SectionClimateState, fleet.SectionVehicleState)
	if err != nil {
		t.Fatal(err)
	}
	if *after.ChargeState.ChargeLimitSoc != 85 || !*after.VehicleState.Locked || !*after.VehicleState.SentryMode ||
		*after.ClimateState.DriverTempSetting != 21 || *after.ClimateState.SeatHeaterLeft != 3 {
		t.Errorf("state after commands: limit %v locked %v sentry %v temp %v seat %v", *after.ChargeState.ChargeLimitSoc,
			*after.VehicleState.Locked, *after.VehicleState.SentryMode, *after.ClimateState.DriverTempSetting, *after.ClimateState.SeatHeaterLeft)
	}
	if after.DriveState != nil || after.GUISettings != nil {
		t.Error("sections not requested came back")
	}

	// The 2024 Model 3 requires signed commands: REST is refused.
	e.setState(t, world.DemoModel3, "online")
	if _, err := c.HonkHorn(ctx, world.DemoModel3); !errors.Is(err, fleet.ErrSigningRequired) {
		t.Errorf("REST to a protocol car: %v", err)
	}
	if _, err := c.SignedCommand(ctx, vin, []byte{1}); !errors.Is(err, fleet.ErrProtocolNotSupported) {
		t.Errorf("signed_command to a REST-only car: %v", err)
	}
	fs, err := c.FleetStatus(ctx, []string{world.DemoModel3})
	if err != nil || fs.VehicleInfo[world.DemoModel3] == nil || !*fs.VehicleInfo[world.DemoModel3].VehicleCommandProtocolRequired {
		t.Errorf("FleetStatus = %+v, %v", fs, err)
	}

	// Energy reads and writes.
	site := world.DemoSiteID
	si, err := c.SiteInfo(ctx, site)
	if err != nil || si.Components == nil || len(si.Components.WallConnectors) != 2 {
		t.Fatalf("SiteInfo = %+v, %v", si, err)
	}
	ls, err := c.LiveStatus(ctx, site)
	if err != nil || ls.SolarPower == nil || len(ls.WallConnectors) != 2 {
		t.Fatalf("LiveStatus = %+v, %v", ls, err)
	}
	h, err := c.CalendarHistory(ctx, site, fleet.HistoryQuery{Kind: "energy", Period: "day", TimeZone: "America/Los_Angeles"})
	if err != nil || len(h.TimeSeries) == 0 {
		t.Fatalf("CalendarHistory = %+v, %v", h, err)
	}
	if _, err := c.CalendarHistory(ctx, site, fleet.HistoryQuery{Kind: "backup", Period: "year"}); err != nil {
		t.Errorf("backup history: %v", err)
	}
	tru := true
	for name, f := range map[string]func() error{
		"backup":     func() error { return c.SetBackupReserve(ctx, site, 35) },
		"operation":  func() error { return c.SetOperationMode(ctx, site, fleet.ModeAutonomous) },
		"storm_mode": func() error { return c.SetStormMode(ctx, site, false) },
		"grid": func() error {
			return c.SetGridImportExport(ctx, site, fleet.GridImportExport{DisallowChargeFromGridWithSolarInstalled: &tru, CustomerPreferredExportRule: fleet.ExportBatteryOK})
		},
		"offgrid": func() error { return c.SetOffGridVehicleChargingReserve(ctx, site, 40) },
	} {
		if err := f(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	si, err = c.SiteInfo(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	if *si.BackupReservePercent != 35 || *si.DefaultRealMode != "autonomous" || *si.Components.CustomerPreferredExportRule != "battery_ok" ||
		!*si.Components.DisallowChargeFromGridWithSolarInstalled {
		t.Errorf("site after writes: reserve %v mode %v export %v", *si.BackupReservePercent, *si.DefaultRealMode, *si.Components.CustomerPreferredExportRule)
	}
}

// TestSimRoundTripLossless: whatever the sim sends, re-encoding the typed
// value gives it back (demo world, every read endpoint).
func TestSimRoundTripLossless(t *testing.T) {
	e := startSim(t, sim.Options{})
	var raw = map[string]json.RawMessage{}
	cfg := e.cfg
	cfg.OnResponse = func(endpoint, device string, body json.RawMessage) {
		raw[endpoint] = append(json.RawMessage(nil), body...)
	}
	c := fleet.New(cfg, fleet.StaticToken(e.token(t).AccessToken))
	ctx := t.Context()
	e.setState(t, world.DemoModelS, "online")
	got := map[string]any{}
	var err error
	if got["products"], err = c.Products(ctx); err != nil {
		t.Fatal(err)
	}
	if got["vehicle_data"], err = c.VehicleData(ctx, world.DemoModelS, fleet.AllSections...); err != nil {
		t.Fatal(err)
	}
	if got["vehicle"], err = c.Vehicle(ctx, world.DemoModel3); err != nil {
		t.Fatal(err)
	}
	if got["site_info"], err = c.SiteInfo(ctx, world.DemoSiteID); err != nil {
		t.Fatal(err)
	}
	if got["live_status"], err = c.LiveStatus(ctx, world.DemoSiteID); err != nil {
		t.Fatal(err)
	}
	if got["calendar_history"], err = c.CalendarHistory(ctx, world.DemoSiteID, fleet.HistoryQuery{Period: "day"}); err != nil {
		t.Fatal(err)
	}
	if got["users/region"], err = c.UsersRegion(ctx); err != nil {
		t.Fatal(err)
	}
	for name, v := range got {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { fleet.AssertSameJSON(t, raw[name], b) })
	}
}
