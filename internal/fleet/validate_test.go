package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"
)

// TestCommandValidation: a malformed request (VIN, command name, body that
// is not a JSON object, site id, …) is refused before anything is sent.
// Tesla's parameter ranges are not this client's: package command checks
// them (its table), so an out-of-range value passes through here.
func TestCommandValidation(t *testing.T) {
	srv := newRecorder(t, respond(200, `{"response":{"result":true,"reason":""}}`))
	c := testClient(srv.URL)
	for _, tc := range []struct {
		name  string
		send  func(ctx context.Context) error
		field string
	}{
		{"bad name", func(ctx context.Context) error { _, err := c.Command(ctx, "V", "../products", nil); return err }, "name"},
		{"upper-case name", func(ctx context.Context) error { _, err := c.Command(ctx, "V", "Honk", nil); return err }, "name"},
		{"body not object", func(ctx context.Context) error { _, err := c.Command(ctx, "V", "honk_horn", []int{1}); return err }, ""},
		{"body not JSON", func(ctx context.Context) error {
			_, err := c.Command(ctx, "V", "adjust_volume", map[string]any{"volume": math.NaN()})
			return err
		}, ""},
		{"empty vin", func(ctx context.Context) error { _, err := c.HonkHorn(ctx, ""); return err }, "vin"},
		{"vin with slash", func(ctx context.Context) error { _, err := c.HonkHorn(ctx, "a/b"); return err }, "vin"},
		{"site 0", func(ctx context.Context) error { return c.SiteCommand(ctx, 0, "storm_mode", obj{"enabled": true}) }, "energy_site_id"},
		{"site -1", func(ctx context.Context) error { return c.SiteCommand(ctx, -1, "backup", nil) }, "energy_site_id"},
		{"site command name", func(ctx context.Context) error { return c.SiteCommand(ctx, 1, "../site_info", nil) }, "name"},
		{"site body not object", func(ctx context.Context) error { return c.SiteCommand(ctx, 1, "backup", 20) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.send(t.Context())
			var ve *ValidationError
			if !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &ve) || ve.Field != tc.field {
				t.Errorf("err = %v, want a validation error on %q", err, tc.field)
			}
		})
	}
	for _, f := range []func() error{
		func() error { _, err := c.VehicleData(t.Context(), "V", "everything"); return err },
		func() error { _, err := c.CalendarHistory(t.Context(), 1, HistoryQuery{Kind: "power"}); return err },
		func() error { _, err := c.FleetStatus(t.Context(), nil); return err },
		func() error { _, err := c.RegisterPartner(t.Context(), "https://Example.com"); return err },
		func() error { _, err := c.PartnerPublicKey(t.Context(), "no_tld"); return err },
		func() error { _, err := c.SignedCommand(t.Context(), "V", nil); return err },
	} {
		if err := f(); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("err = %v, want ErrInvalidRequest", err)
		}
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// TestCommandBodies: valid commands send Tesla's path and body.
func TestCommandBodies(t *testing.T) {
	srv := newRecorder(t, respond(200, `{"response":{"result":true,"reason":""}}`))
	c := testClient(srv.URL)
	ctx := t.Context()
	tru, fals := true, false
	for _, tc := range []struct {
		do   func() error
		path string
		body string
	}{
		{func() error { _, err := c.DoorLock(ctx, "V"); return err }, "/api/1/vehicles/V/command/door_lock", `{}`},
		{func() error { _, err := c.DoorUnlock(ctx, "V"); return err }, "/api/1/vehicles/V/command/door_unlock", `{}`},
		{func() error { _, err := c.ActuateTrunk(ctx, "V", TrunkRear); return err }, "/api/1/vehicles/V/command/actuate_trunk", `{"which_trunk":"rear"}`},
		{func() error { _, err := c.ChargePortDoorOpen(ctx, "V"); return err }, "/api/1/vehicles/V/command/charge_port_door_open", `{}`},
		{func() error { _, err := c.ChargePortDoorClose(ctx, "V"); return err }, "/api/1/vehicles/V/command/charge_port_door_close", `{}`},
		{func() error { _, err := c.RemoteStartDrive(ctx, "V"); return err }, "/api/1/vehicles/V/command/remote_start_drive", `{}`},
		{func() error { _, err := c.HonkHorn(ctx, "V"); return err }, "/api/1/vehicles/V/command/honk_horn", `{}`},
		{func() error { _, err := c.FlashLights(ctx, "V"); return err }, "/api/1/vehicles/V/command/flash_lights", `{}`},
		{func() error { _, err := c.RemoteBoombox(ctx, "V", BoomboxFart); return err }, "/api/1/vehicles/V/command/remote_boombox", `{"sound":0}`},
		{func() error { _, err := c.TriggerHomelink(ctx, "V", 30.2, -97.6); return err }, "/api/1/vehicles/V/command/trigger_homelink", `{"lat":30.2,"lon":-97.6}`},
		{func() error { _, err := c.SetSentryMode(ctx, "V", true); return err }, "/api/1/vehicles/V/command/set_sentry_mode", `{"on":true}`},
		{func() error { _, err := c.AutoConditioningStart(ctx, "V"); return err }, "/api/1/vehicles/V/command/auto_conditioning_start", `{}`},
		{func() error { _, err := c.AutoConditioningStop(ctx, "V"); return err }, "/api/1/vehicles/V/command/auto_conditioning_stop", `{}`},
		{func() error { _, err := c.SetTemps(ctx, "V", 21.5, 22); return err }, "/api/1/vehicles/V/command/set_temps", `{"driver_temp":21.5,"passenger_temp":22}`},
		{func() error { _, err := c.SetPreconditioningMax(ctx, "V", true, false); return err }, "/api/1/vehicles/V/command/set_preconditioning_max", `{"on":true,"manual_override":false}`},
		{func() error { _, err := c.SetClimateKeeperMode(ctx, "V", ClimateKeeperDog); return err }, "/api/1/vehicles/V/command/set_climate_keeper_mode", `{"climate_keeper_mode":2}`},
		{func() error { _, err := c.SetCabinOverheatProtection(ctx, "V", true, true); return err }, "/api/1/vehicles/V/command/set_cabin_overheat_protection", `{"on":true,"fan_only":true}`},
		{func() error { _, err := c.SetCopTemp(ctx, "V", 2); return err }, "/api/1/vehicles/V/command/set_cop_temp", `{"cop_temp":2}`},
		{func() error { _, err := c.RemoteSeatHeaterRequest(ctx, "V", SeatThirdRowRight, 3); return err }, "/api/1/vehicles/V/command/remote_seat_heater_request", `{"seat_position":8,"heater":8,"level":3}`},
		{func() error { _, err := c.RemoteAutoSeatClimateRequest(ctx, "V", 2, false); return err }, "/api/1/vehicles/V/command/remote_auto_seat_climate_request", `{"auto_seat_position":2,"auto_climate_on":false}`},
		{func() error { _, err := c.RemoteSteeringWheelHeatLevelRequest(ctx, "V", 3); return err }, "/api/1/vehicles/V/command/remote_steering_wheel_heat_level_request", `{"level":3}`},
		{func() error { _, err := c.RemoteAutoSteeringWheelHeatClimateRequest(ctx, "V", true); return err }, "/api/1/vehicles/V/command/remote_auto_steering_wheel_heat_climate_request", `{"on":true}`},
		{func() error { _, err := c.RemoteSteeringWheelHeaterRequest(ctx, "V", false); return err }, "/api/1/vehicles/V/command/remote_steering_wheel_heater_request", `{"on":false}`},
		{func() error { _, err := c.ChargeStart(ctx, "V"); return err }, "/api/1/vehicles/V/command/charge_start", `{}`},
		{func() error { _, err := c.ChargeStop(ctx, "V"); return err }, "/api/1/vehicles/V/command/charge_stop", `{}`},
		{func() error { _, err := c.SetChargingAmps(ctx, "V", 16); return err }, "/api/1/vehicles/V/command/set_charging_amps", `{"charging_amps":16}`},
		{func() error { _, err := c.SetChargeLimit(ctx, "V", 50); return err }, "/api/1/vehicles/V/command/set_charge_limit", `{"percent":50}`},
		{func() error { _, err := c.SetChargeLimit(ctx, "V", 100); return err }, "/api/1/vehicles/V/command/set_charge_limit", `{"percent":100}`},
		{func() error { _, err := c.WindowControl(ctx, "V", "vent", 0, 0); return err }, "/api/1/vehicles/V/command/window_control", `{"command":"vent","lat":0,"lon":0}`},
		{func() error { _, err := c.SunRoofControl(ctx, "V", "stop"); return err }, "/api/1/vehicles/V/command/sun_roof_control", `{"state":"stop"}`},
		{func() error { _, err := c.MediaTogglePlayback(ctx, "V"); return err }, "/api/1/vehicles/V/command/media_toggle_playback", `{}`},
		{func() error { _, err := c.MediaNextTrack(ctx, "V"); return err }, "/api/1/vehicles/V/command/media_next_track", `{}`},
		{func() error { _, err := c.MediaPrevTrack(ctx, "V"); return err }, "/api/1/vehicles/V/command/media_prev_track", `{}`},
		{func() error { _, err := c.AdjustVolume(ctx, "V", 11); return err }, "/api/1/vehicles/V/command/adjust_volume", `{"volume":11}`},
		{func() error { _, err := c.ScheduleSoftwareUpdate(ctx, "V", 2*time.Minute); return err }, "/api/1/vehicles/V/command/schedule_software_update", `{"offset_sec":120}`},
		{func() error { _, err := c.WakeUp(ctx, "V"); return err }, "/api/1/vehicles/V/wake_up", ``},
		{func() error { return c.SetBackupReserve(ctx, 7, 20) }, "/api/1/energy_sites/7/backup", `{"backup_reserve_percent":20}`},
		{func() error { return c.SetOperationMode(ctx, 7, ModeAutonomous) }, "/api/1/energy_sites/7/operation", `{"default_real_mode":"autonomous"}`},
		{func() error { return c.SetStormMode(ctx, 7, false) }, "/api/1/energy_sites/7/storm_mode", `{"enabled":false}`},
		{func() error {
			return c.SetGridImportExport(ctx, 7, GridImportExport{DisallowChargeFromGridWithSolarInstalled: &fals})
		}, "/api/1/energy_sites/7/grid_import_export", `{"disallow_charge_from_grid_with_solar_installed":false}`},
		{func() error {
			return c.SetGridImportExport(ctx, 7, GridImportExport{DisallowChargeFromGridWithSolarInstalled: &tru, CustomerPreferredExportRule: ExportPVOnly})
		}, "/api/1/energy_sites/7/grid_import_export", `{"customer_preferred_export_rule":"pv_only","disallow_charge_from_grid_with_solar_installed":true}`},
		{func() error { return c.SetOffGridVehicleChargingReserve(ctx, 7, 30) }, "/api/1/energy_sites/7/off_grid_vehicle_charging_reserve", `{"off_grid_vehicle_charging_reserve_percent":30}`},
	} {
		before := len(srv.requests())
		if err := tc.do(); err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		reqs := srv.requests()
		if len(reqs) != before+1 {
			t.Errorf("%s: %d requests", tc.path, len(reqs)-before)
			continue
		}
		r := reqs[len(reqs)-1]
		if r.Method != "POST" || r.Path != tc.path {
			t.Errorf("sent %s %s, want POST %s", r.Method, r.Path, tc.path)
		}
		if tc.body == "" {
			if len(r.Body) != 0 {
				t.Errorf("%s: body %s, want none", tc.path, r.Body)
			}
			continue
		}
		var got, want any
		_ = json.Unmarshal(r.Body, &got)
		_ = json.Unmarshal([]byte(tc.body), &want)
		if b1, b2 := mustJSON(got), mustJSON(want); b1 != b2 {
			t.Errorf("%s: body %s, want %s", tc.path, b1, b2)
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestSignedCommandRoundTrip(t *testing.T) {
	srv := newRecorder(t, respond(200, `{"response":"AQID"}`))
	c := testClient(srv.URL)
	out, err := c.SignedCommand(t.Context(), "V", []byte{9, 8})
	if err != nil || string(out) != "\x01\x02\x03" {
		t.Fatalf("SignedCommand = %v, %v", out, err)
	}
	if r := srv.requests()[0]; r.Path != "/api/1/vehicles/V/signed_command" || string(r.Body) != `{"routable_message":"CQg="}` {
		t.Errorf("request %s %s", r.Path, r.Body)
	}
	srv2 := newRecorder(t, respond(200, `{"response":"not base64!"}`))
	if _, err := testClient(srv2.URL).SignedCommand(t.Context(), "V", []byte{1}); !errors.Is(err, ErrDecode) || !MayHaveSucceeded(err) {
		t.Errorf("bad base64: %v", err)
	}
}
