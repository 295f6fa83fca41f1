package world

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
	"google.golang.org/protobuf/proto"
)

func TestDemoProducts(t *testing.T) {
	w, acct := demo(t, 7)
	ps := w.Products(acct)
	if len(ps) != 3 {
		t.Fatalf("products = %d, want 3", len(ps))
	}
	want := []struct{ vin, name, signing string }{
		{DemoModel3, "Midnight", "required"},
		{DemoModelS, "Voyager", "off"},
	}
	ids := map[any]bool{}
	for i, wv := range want {
		p := ps[i]
		if p["vin"] != wv.vin || p["display_name"] != wv.name || p["command_signing"] != wv.signing || p["access_type"] != "OWNER" {
			t.Errorf("product %d = %v", i, p)
		}
		if p["state"] != "online" {
			t.Errorf("%s state = %v", wv.vin, p["state"])
		}
		ids[p["id"]], ids[p["vehicle_id"]] = true, true
		if w.CommandSigning(wv.vin) != wv.signing {
			t.Errorf("CommandSigning(%s) = %q", wv.vin, w.CommandSigning(wv.vin))
		}
	}
	if len(ids) != 4 {
		t.Errorf("vehicle ids not distinct: %v", ids)
	}
	site := ps[2]
	if int64(num(site, "energy_site_id", 0)) != DemoSiteID || site["site_name"] != "Home" {
		t.Errorf("site product = %v", site)
	}
	other := w.AddAccount("other@example.com", "EU")
	if _, err := w.VIN(other.ID, DemoModel3); !errors.Is(err, ErrNotFound) {
		t.Errorf("other account VIN err = %v", err)
	}
	if _, err := w.SiteInfo(other.ID, DemoSiteID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other account site err = %v", err)
	}
	idS := ps[0]["id_s"].(string)
	if vin, err := w.VIN(acct, idS); err != nil || vin != DemoModel3 {
		t.Errorf("VIN(id_s) = %q, %v", vin, err)
	}
	// the same seed gives the same account id
	w2, acct2 := demo(t, 7)
	if acct2 != acct || w2.Products(acct2)[0]["id"] != ps[0]["id"] {
		t.Error("ids are not stable for a seed")
	}
}

func TestDemoVehicleDataHasEverySection(t *testing.T) {
	w, acct := demo(t, 1)
	d := mustData(t, w, acct, DemoModel3, DataQuery{Endpoints: []string{
		"charge_state", "climate_state", "drive_state", "gui_settings", "vehicle_config",
		"vehicle_state", "charge_schedule_data", "preconditioning_schedule_data", "location_data"}, Location: true})
	for _, s := range vehicleSections {
		if _, ok := d[s]; !ok {
			t.Errorf("section %s missing", s)
		}
	}
	ds := sec(t, d, "drive_state")
	if ds["latitude"] == nil || ds["native_type"] != "wgs" {
		t.Errorf("drive_state = %v", ds)
	}
	if ts := sec(t, d, "charge_state")["timestamp"]; ts != testStart.UnixMilli() {
		t.Errorf("timestamp = %v, want %d", ts, testStart.UnixMilli())
	}
	if d["state"] != "online" || d["vin"] != DemoModel3 {
		t.Errorf("top level = %v %v", d["state"], d["vin"])
	}
}

func TestSleepAndWake(t *testing.T) {
	w, acct := demo(t, 3)
	// the Model 3 is charging at home: stop it so that it can sleep
	if r, err := w.Command(DemoModel3, "charge_stop", nil); err != nil || !r.Result {
		t.Fatalf("charge_stop = %+v, %v", r, err)
	}
	for i := 0; i < 20; i++ { // every minute, for 20 minutes
		w.Advance(time.Minute)
		mustDataOrAsleep(t, w, acct, DemoModel3)
		if _, err := w.VehicleData(acct, DemoModelS, DataQuery{}); err != nil {
			t.Fatalf("minute %d: pre-2021 Model S fell asleep despite reads: %v", i+1, err)
		}
	}
	if w.Online(DemoModel3) {
		t.Fatal("Model 3 stayed awake despite 20 idle minutes")
	}
	if !w.Online(DemoModelS) {
		t.Fatal("Model S should be kept awake by reads")
	}
	if _, err := w.VehicleData(acct, DemoModel3, DataQuery{}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("VehicleData asleep err = %v", err)
	}
	if _, err := w.Command(DemoModel3, "door_lock", nil); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Command asleep err = %v", err)
	}
	v, err := w.WakeUp(acct, DemoModel3)
	if err != nil || v["state"] != "asleep" {
		t.Fatalf("WakeUp = %v, %v", v["state"], err)
	}
	w.Advance(7 * time.Second)
	if w.Online(DemoModel3) {
		t.Fatal("online before the minimum wake delay")
	}
	w.Advance(14 * time.Second)
	if !w.Online(DemoModel3) {
		t.Fatal("not online after the maximum wake delay")
	}
	// left alone, the Model S sleeps too
	w.Advance(16 * time.Minute)
	if w.Online(DemoModelS) {
		t.Fatal("Model S did not sleep when left alone")
	}
}

func mustDataOrAsleep(t *testing.T, w *World, acct, vin string) {
	t.Helper()
	if _, err := w.VehicleData(acct, vin, DataQuery{}); err != nil && !errors.Is(err, ErrUnavailable) {
		t.Fatal(err)
	}
}

func TestWakeDelayOptionAndOffline(t *testing.T) {
	w := NewDemo(Options{Seed: 1, Start: testStart, WakeDelay: 30 * time.Second})
	a, _ := w.Account(DemoEmail)
	asleep, offline := "asleep", "offline"
	if err := w.SetVehicle(DemoModelS, VehiclePatch{State: &asleep}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WakeUp(a.ID, DemoModelS); err != nil {
		t.Fatal(err)
	}
	w.Advance(29 * time.Second)
	if w.Online(DemoModelS) {
		t.Fatal("online before WakeDelay")
	}
	w.Advance(time.Second)
	if !w.Online(DemoModelS) {
		t.Fatal("not online at WakeDelay")
	}
	if err := w.SetVehicle(DemoModelS, VehiclePatch{State: &offline}); err != nil {
		t.Fatal(err)
	}
	v, _ := w.WakeUp(a.ID, DemoModelS)
	w.Advance(time.Minute)
	if v["state"] != "offline" || w.Online(DemoModelS) {
		t.Fatalf("an offline car woke: %v", v["state"])
	}
	if s := "dozing"; w.SetVehicle(DemoModelS, VehiclePatch{State: &s}) == nil {
		t.Fatal("bad state accepted")
	}
}

func TestSoftwareUpdateInstalls(t *testing.T) {
	w, acct := demo(t, 1)
	if r, err := w.Command(DemoModelS, "schedule_software_update", map[string]any{"offset_sec": 0}); err != nil || !r.Result {
		t.Fatal(r, err)
	}
	w.Advance(20 * time.Minute)
	su := sec(t, sec(t, mustData(t, w, acct, DemoModelS, DataQuery{Endpoints: []string{"vehicle_state"}}), "vehicle_state"), "software_update")
	if su["status"] != "installing" || num(su, "install_perc", 0) < 30 {
		t.Fatalf("software_update while installing = %v", su)
	}
	w.Advance(30 * time.Minute)
	vs := sec(t, mustData(t, w, acct, DemoModelS, DataQuery{Endpoints: []string{"vehicle_state"}}), "vehicle_state")
	if vs["car_version"] != "2024.38.6 7a1f0c3e9b2d" || sec(t, vs, "software_update")["status"] != "" {
		t.Fatalf("after the install: %v, %v", vs["car_version"], vs["software_update"])
	}
}

func TestVehicleDataCombo(t *testing.T) {
	w, acct := demo(t, 1)
	d := mustData(t, w, acct, DemoModel3, DataQuery{Endpoints: []string{"vehicle_data_combo", "location_data"}, Location: true})
	blob, ok := d["vehicle_data"].(string)
	if !ok {
		t.Fatalf("no vehicle_data blob: %v", d["vehicle_data"])
	}
	raw, err := base64.StdEncoding.DecodeString(blob)
	if err != nil {
		t.Fatal(err)
	}
	var vd carserver.VehicleData
	if err := proto.Unmarshal(raw, &vd); err != nil {
		t.Fatal(err)
	}
	if vd.GetChargeState().GetBatteryLevel() != 58 || vd.GetChargeState().GetChargingState().GetCharging() == nil ||
		vd.GetLocationState().GetLatitude() == 0 || !vd.GetClosuresState().GetLocked() {
		t.Fatalf("decoded = %v", &vd)
	}
	for _, s := range []string{"charge_state", "climate_state", "vehicle_state", "charge_schedule_data"} {
		if _, ok := d[s]; !ok {
			t.Errorf("combo lacks %s", s)
		}
	}
}

func TestBodyState(t *testing.T) {
	w, _ := demo(t, 1)
	vin := w.AllVINs()[0]
	on, off, online, asleep := true, false, "online", "asleep"
	if err := w.SetVehicle(vin, VehiclePatch{State: &online, Locked: &on, UserPresent: &on}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Command(vin, "actuate_trunk", map[string]any{"which_trunk": "rear"}); err != nil {
		t.Fatal(err)
	}
	b, err := w.BodyState(vin)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != "online" || !b.Locked || !b.UserPresent || !b.RearTrunk || b.FrontTrunk || b.FrontDriverDoor {
		t.Errorf("body state = %+v", b)
	}
	if err := w.SetVehicle(vin, VehiclePatch{State: &asleep, Locked: &off, UserPresent: &off}); err != nil {
		t.Fatal(err)
	}
	if b, _ = w.BodyState(vin); b.State != "asleep" || b.Locked || b.UserPresent {
		t.Errorf("body state = %+v", b)
	}
	if w.Online(vin) {
		t.Error("BodyState woke the car")
	}
	if _, err := w.BodyState("5YJ3E1EA0NF000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown VIN: %v", err)
	}
}
