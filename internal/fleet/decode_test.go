package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// fixtureServer serves the HA fixture files as Tesla would.
func fixtureServer(t *testing.T) *recorder {
	t.Helper()
	routes := map[string]string{
		"/api/1/products": "products.json",
		"/api/1/vehicles/LRWXF7EK4KC700000/vehicle_data": "vehicle_data.json",
		"/api/1/vehicles/ALT/vehicle_data":               "vehicle_data_alt.json",
		"/api/1/energy_sites/123456/site_info":           "site_info.json",
		"/api/1/energy_sites/123456/live_status":         "live_status.json",
		"/api/1/energy_sites/123456/calendar_history":    "energy_history.json",
		"/api/1/energy_sites/2/calendar_history":         "energy_history_overnight.json",
		"/api/1/energy_sites/3/calendar_history":         "history_status.json",
	}
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		name, ok := routes[r.URL.Path]
		if !ok {
			respond(404, `{"response":null,"error":"not_found","error_description":""}`)(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(readFixture(t, name))
	})
}

// TestFixtureRoundTrip decodes each fixture through the client and checks
// that encoding the typed value gives back the fixture's "response".
func TestFixtureRoundTrip(t *testing.T) {
	srv := fixtureServer(t)
	c := testClient(srv.URL)
	for _, tc := range []struct {
		fixture string
		get     func(ctx context.Context) (any, error)
	}{
		{"products.json", func(ctx context.Context) (any, error) { return c.Products(ctx) }},
		{"vehicle_data.json", func(ctx context.Context) (any, error) {
			return c.VehicleData(ctx, "LRWXF7EK4KC700000", AllSections...)
		}},
		{"vehicle_data_alt.json", func(ctx context.Context) (any, error) { return c.VehicleData(ctx, "ALT", AllSections...) }},
		{"site_info.json", func(ctx context.Context) (any, error) { return c.SiteInfo(ctx, 123456) }},
		{"live_status.json", func(ctx context.Context) (any, error) { return c.LiveStatus(ctx, 123456) }},
		{"energy_history.json", func(ctx context.Context) (any, error) {
			return c.CalendarHistory(ctx, 123456, HistoryQuery{Kind: "energy", Period: "day"})
		}},
		{"energy_history_overnight.json", func(ctx context.Context) (any, error) {
			return c.CalendarHistory(ctx, 2, HistoryQuery{Period: "day"})
		}},
		{"history_status.json", func(ctx context.Context) (any, error) { return c.CalendarHistory(ctx, 3, HistoryQuery{}) }},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			v, err := tc.get(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			assertSameJSON(t, fixtureResponse(t, tc.fixture), got)
		})
	}
}

func TestFixtureTypedValues(t *testing.T) {
	srv := fixtureServer(t)
	c := testClient(srv.URL)
	ctx := t.Context()

	p, err := c.Products(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 3 || len(p.Vehicles()) != 1 || len(p.EnergySites()) != 2 {
		t.Fatalf("products: %d items, %d vehicles, %d sites", len(p.Items), len(p.Vehicles()), len(p.EnergySites()))
	}
	if p.Count == nil || *p.Count != 3 {
		t.Errorf("count = %v, want 3", p.Count)
	}
	v := p.Vehicles()[0]
	if *v.VIN != "LRWXF7EK4KC700000" || *v.CommandSigning != "allowed" || v.SigningRequired() || !v.Online() {
		t.Errorf("vehicle entry: vin %s signing %s", *v.VIN, *v.CommandSigning)
	}
	sites := p.EnergySites()
	if *sites[0].EnergySiteID != 123456 || *sites[0].PercentageCharged != 57.068192488868476 || len(sites[0].Components.WallConnectors) != 2 {
		t.Errorf("site 123456 decoded wrongly: %+v", sites[0])
	}
	if !sites[0].HasComponents() || sites[1].HasComponents() {
		t.Errorf("HasComponents: site 123456 %v, site 98765 %v", sites[0].HasComponents(), sites[1].HasComponents())
	}

	vd, err := c.VehicleData(ctx, "LRWXF7EK4KC700000", HASections...)
	if err != nil {
		t.Fatal(err)
	}
	if *vd.ChargeState.BatteryLevel != 77 || *vd.ClimateState.ClimateKeeperMode != "keep" ||
		*vd.DriveState.Latitude != -30.222626 || *vd.VehicleState.MediaInfo.NowPlayingDuration != 651000 ||
		*vd.VehicleState.SoftwareUpdate.Version != "2024.12.0.0" || *vd.VehicleState.SpeedLimitMode.CurrentLimitMph != 69 ||
		*vd.VehicleConfig.CarType != "model3" || *vd.GUISettings.GUIRangeDisplay != "Rated" {
		t.Errorf("vehicle_data fields decoded wrongly")
	}
	if vd.ChargeState.ChargerPhases != nil || string(vd.ChargeState.Extra["charger_phases"]) != "null" {
		t.Errorf("null charger_phases: field %v, extra %s", vd.ChargeState.ChargerPhases, vd.ChargeState.Extra["charger_phases"])
	}

	alt, err := c.VehicleData(ctx, "ALT")
	if err != nil {
		t.Fatal(err)
	}
	if alt.ChargeState.MinutesToFullCharge != nil || string(alt.ChargeState.Extra["minutes_to_full_charge"]) != `"bad value"` {
		t.Errorf(`"bad value" not kept in Extra: %v`, alt.ChargeState.Extra)
	}
	if alt.ChargeScheduleData == nil || *alt.ChargeScheduleData.ChargeBuffer != 6 || *alt.ChargeScheduleData.Timestamp.Nanos != 85000000 {
		t.Errorf("charge_schedule_data decoded wrongly: %+v", alt.ChargeScheduleData)
	}

	h, err := c.CalendarHistory(ctx, 123456, HistoryQuery{Period: "day"})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.TimeSeries) != 2 || *h.TimeSeries[0].GridServicesEnergyImported != 17.53125 {
		t.Errorf("history decoded wrongly")
	}
	ls, err := c.LiveStatus(ctx, 123456)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls.WallConnectors) != 2 || *ls.WallConnectors[1].DIN != "bcd-234" || *ls.IslandStatus != "on_grid" {
		t.Errorf("live_status decoded wrongly")
	}
	si, err := c.SiteInfo(ctx, 123456)
	if err != nil {
		t.Fatal(err)
	}
	if len(si.Components.Batteries) != 2 || *si.TOUSettings.Schedule[0].Target != "off_peak" || *si.Components.CustomerPreferredExportRule != "pv_only" {
		t.Errorf("site_info decoded wrongly")
	}

	var q string
	for _, r := range srv.requests() {
		if r.Path == "/api/1/vehicles/LRWXF7EK4KC700000/vehicle_data" {
			q = r.Query
		}
	}
	if q != "endpoints=charge_state%3Bclimate_state%3Bdrive_state%3Bvehicle_state%3Bvehicle_config" {
		t.Errorf("vehicle_data query = %q", q)
	}
}

// untyped walks a decoded value and lists the Extra members that are
// neither null nor empty arrays/objects: fields the types do not cover.
func untyped(path string, v reflect.Value) []string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return untyped(path, v.Elem())
	case reflect.Slice:
		var out []string
		for i := 0; i < v.Len(); i++ {
			out = append(out, untyped(path+"[]", v.Index(i))...)
		}
		return out
	case reflect.Map:
		var out []string
		if v.Type() == reflect.TypeOf(Extra{}) {
			for k, raw := range v.Interface().(Extra) {
				switch string(raw) {
				case "null", "[]", "{}":
				default:
					out = append(out, path+"."+k+"="+string(raw))
				}
			}
			return out
		}
		for _, k := range v.MapKeys() {
			out = append(out, untyped(path+"."+k.String(), v.MapIndex(k))...)
		}
		return out
	case reflect.Struct:
		var out []string
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				out = append(out, untyped(path, v.Field(i))...)
			}
		}
		return out
	}
	return nil
}

// TestFixtureFieldsAreTyped checks that every non-null fixture value lands
// in a typed field (Extra holds only nulls, empty arrays and bad values).
func TestFixtureFieldsAreTyped(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		v       any
		allowed []string
	}{
		{"vehicle_data.json", &VehicleData{}, nil},
		{"vehicle_data_alt.json", &VehicleData{}, []string{`.minutes_to_full_charge="bad value"`}},
		{"products.json", &Products{}, nil},
		{"site_info.json", &SiteInfo{}, nil},
		{"live_status.json", &LiveStatus{}, nil},
		{"energy_history.json", &CalendarHistory{}, nil},
		{"energy_history_overnight.json", &CalendarHistory{}, nil},
		{"history_status.json", &CalendarHistory{}, nil},
	} {
		if err := json.Unmarshal(fixtureResponse(t, tc.fixture), tc.v); err != nil {
			t.Fatalf("%s: %v", tc.fixture, err)
		}
		got := untyped("", reflect.ValueOf(tc.v))
		if !reflect.DeepEqual(got, tc.allowed) {
			t.Errorf("%s: untyped members %q, want %q", tc.fixture, got, tc.allowed)
		}
	}
}

// TestExtraEdgeCases covers what the shared mechanism must keep.
func TestExtraEdgeCases(t *testing.T) {
	for _, body := range []string{
		`{}`,
		`{"battery_level":null}`,
		`{"battery_level":"77"}`,
		`{"battery_level":77,"unknown":{"a":[1,2,{"b":null}]},"x":[]}`,
		`{"charger_phases":2.5}`,
		`{"charging_state":"","charge_amps":0,"battery_heater_on":false}`,
		`{"timestamp":1705707520649,"module_temp_min":-0.0}`,
		`{"fast_charger_brand":"<invalid>","conn_charge_cable":"a\u2013b \"q\""}`,
	} {
		t.Run(body, func(t *testing.T) {
			var cs ChargeState
			if err := json.Unmarshal([]byte(body), &cs); err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(cs)
			if err != nil {
				t.Fatal(err)
			}
			assertSameJSON(t, []byte(body), got)
		})
	}
	// A typed field set after decoding wins over the Extra it replaced.
	var cs ChargeState
	_ = json.Unmarshal([]byte(`{"battery_level":null}`), &cs)
	lvl := 80.0
	cs.BatteryLevel = &lvl
	got, _ := json.Marshal(cs)
	assertSameJSON(t, []byte(`{"battery_level":80}`), got)
	// A non-object where an object belongs is kept too.
	var vs VehicleState
	if err := json.Unmarshal([]byte(`{"media_info":"n/a","software_update":null}`), &vs); err != nil {
		t.Fatal(err)
	}
	got, _ = json.Marshal(vs)
	assertSameJSON(t, []byte(`{"media_info":"n/a","software_update":null}`), got)
	// A body that is not an object is an error.
	if err := json.Unmarshal([]byte(`[1]`), &vs); err == nil {
		t.Error("array decoded into VehicleState without error")
	}
}

// TestAllFieldsOmitEmpty guards the rule the Extra mechanism relies on:
// every field of every response type is `omitempty` (Extra is "-").
func TestAllFieldsOmitEmpty(t *testing.T) {
	for _, v := range []any{
		VehicleBase{}, Vehicle{}, GranularAccess{}, VehicleData{}, ChargeState{}, ClimateState{}, DriveState{},
		GUISettings{}, VehicleConfig{}, VehicleState{}, MediaInfo{}, MediaState{}, SoftwareUpdate{}, SpeedLimitMode{},
		ChargeScheduleData{}, ChargeSchedule{}, PreconditioningScheduleData{}, PreconditionSchedule{}, ProtoTimestamp{},
		EnergySiteProduct{}, ProductComponents{}, WallConnectorDevice{}, SiteFeatures{}, SiteInfo{}, UserSettings{},
		SiteComponents{}, Gateway{}, Battery{}, TOUSettings{}, TOUPeriod{}, LiveStatus{}, LiveWallConnector{},
		CalendarHistory{}, EnergyInterval{}, BackupEvent{}, UserRegion{}, PartnerAccount{}, PartnerPublicKey{},
		FleetStatus{}, FleetVehicleInfo{},
	} {
		typ := reflect.TypeOf(v)
		for _, f := range reflect.VisibleFields(typ) {
			tag := f.Tag.Get("json")
			if f.Anonymous || f.Name == "Extra" && tag == "-" {
				continue
			}
			if !strings.HasSuffix(tag, ",omitempty") {
				t.Errorf("%s.%s: tag %q lacks omitempty", typ.Name(), f.Name, tag)
			}
		}
		if _, ok := typ.FieldByName("Extra"); !ok && typ.Name() != "VehicleBase" {
			t.Errorf("%s has no Extra", typ.Name())
		}
	}
}

func TestDecodeVehicleDataErrors(t *testing.T) {
	full := readFixture(t, "vehicle_data.json")
	for _, body := range [][]byte{
		full[:len(full)/2], []byte(``), []byte(`{"response":null}`), []byte(`{"response":[1]}`),
		[]byte(`{"response":"x"}`), []byte(`nope`), []byte(`{"response":{"charge_state":`),
	} {
		_, err := DecodeVehicleData(body)
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrDecode) || de.Endpoint != "vehicle_data" {
			t.Errorf("%.30q: err = %v, want a *DecodeError for vehicle_data", body, err)
		}
	}
	if _, err := DecodeVehicleData(full); err != nil {
		t.Errorf("full fixture: %v", err)
	}
}
