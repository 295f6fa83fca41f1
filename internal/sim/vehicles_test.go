package sim

import (
	"strconv"
	"strings"
	"testing"
)

const unavailable = `{"response":null,"error":"vehicle unavailable: vehicle is offline or asleep","error_description":""}`

func TestVehiclesList(t *testing.T) {
	e := startEnv(t, nil)
	st, body := e.do("GET", "NA", "/api/1/vehicles?page=1&per_page=1", e.tok, nil)
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	var list struct {
		Response   []map[string]any `json:"response"`
		Pagination map[string]any   `json:"pagination"`
		Count      int              `json:"count"`
	}
	mustJSON(t, body, &list)
	if len(list.Response) != 1 || list.Count != 2 || list.Pagination["pages"] != 2.0 || list.Pagination["next"] != 2.0 ||
		list.Pagination["previous"] != nil {
		t.Errorf("page 1 of 2: %s", body)
	}
	// A vehicle by VIN and by id_s.
	st, body = e.do("GET", "NA", "/api/1/vehicles/"+e.ms, e.tok, nil)
	if st != 200 {
		t.Fatalf("vehicle: %d %s", st, body)
	}
	v := response(t, body)
	if v["vin"] != e.ms {
		t.Errorf("vehicle vin = %v", v["vin"])
	}
	if ids, _ := v["id_s"].(string); ids != "" {
		st, body = e.do("GET", "NA", "/api/1/vehicles/"+ids, e.tok, nil)
		if st != 200 || response(t, body)["vin"] != e.ms {
			t.Errorf("vehicle by id_s: %d %s", st, body)
		}
	}
}

func TestVehicleDataSectionsAndLocation(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.m3, "online")
	noLoc := e.token("vehicle_device_data")
	withLoc := e.token("vehicle_device_data", "vehicle_location")
	cases := []struct {
		name      string
		query     string
		token     string
		sections  []string
		absent    []string
		wantLatLn bool
	}{
		{"semicolon list", "?endpoints=charge_state;climate_state", noLoc, []string{"charge_state", "climate_state"}, []string{"drive_state", "vehicle_state"}, false},
		{"encoded list", "?endpoints=charge_state%3Bvehicle_state", noLoc, []string{"charge_state", "vehicle_state"}, []string{"climate_state"}, false},
		{"location without scope", "?endpoints=drive_state%3Blocation_data", noLoc, []string{"drive_state"}, nil, false},
		{"location with scope", "?endpoints=drive_state%3Blocation_data", withLoc, []string{"drive_state"}, nil, true},
		{"drive_state alone has no location", "?endpoints=drive_state", withLoc, []string{"drive_state"}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := e.do("GET", "NA", "/api/1/vehicles/"+e.m3+"/vehicle_data"+c.query, c.token, nil)
			if st != 200 {
				t.Fatalf("%d %s", st, body)
			}
			d := response(t, body)
			if d["vin"] != e.m3 {
				t.Errorf("vin = %v", d["vin"])
			}
			for _, s := range c.sections {
				if _, ok := d[s].(map[string]any); !ok {
					t.Errorf("section %s missing", s)
				}
			}
			for _, s := range c.absent {
				if _, ok := d[s]; ok {
					t.Errorf("section %s present", s)
				}
			}
			if ds, ok := d["drive_state"].(map[string]any); ok {
				_, hasLat := ds["latitude"]
				if hasLat != c.wantLatLn {
					t.Errorf("latitude present = %v, want %v", hasLat, c.wantLatLn)
				}
			}
		})
	}
}

func TestVehicleDataAsleep408(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.m3, "asleep")
	st, body := e.do("GET", "NA", "/api/1/vehicles/"+e.m3+"/vehicle_data", e.tok, nil)
	if st != 408 {
		t.Fatalf("%d %s", st, body)
	}
	wantBody(t, body, unavailable)
	// The list and the vehicle endpoint still answer, and do not wake it.
	st, body = e.do("GET", "NA", "/api/1/vehicles/"+e.m3, e.tok, nil)
	if st != 200 || response(t, body)["state"] == "online" {
		t.Errorf("vehicle: %d %s", st, body)
	}
}

func TestWakeUpFlow(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.m3, "asleep")
	st, body := e.do("POST", "NA", "/api/1/vehicles/"+e.m3+"/wake_up", e.tok, nil)
	if st != 200 {
		t.Fatalf("wake_up: %d %s", st, body)
	}
	if v := response(t, body); v["vin"] != e.m3 || v["state"] == nil {
		t.Errorf("wake_up response = %v", v)
	}
	e.advance("11s") // WakeDelay is 10 s
	st, body = e.do("GET", "NA", "/api/1/vehicles/"+e.m3, e.tok, nil)
	if st != 200 || response(t, body)["state"] != "online" {
		t.Fatalf("after the wake delay: %d %s", st, body)
	}
	st, body = e.do("GET", "NA", "/api/1/vehicles/"+e.m3+"/vehicle_data", e.tok, nil)
	if st != 200 {
		t.Errorf("vehicle_data after wake: %d %s", st, body)
	}
}

func TestRESTCommands(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.ms, "online")
	e.setState(e.m3, "online")
	e.ctl("PATCH", "/_sim/vehicles/"+e.ms, map[string]any{"locked": true})

	st, body := e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/command/door_unlock", e.tok, nil)
	if st != 200 {
		t.Fatalf("door_unlock: %d %s", st, body)
	}
	if r := response(t, body); r["result"] != true {
		t.Errorf("door_unlock result = %v", r)
	}
	st, body = e.do("GET", "NA", "/api/1/vehicles/"+e.ms+"/vehicle_data?endpoints=vehicle_state", e.tok, nil)
	if st != 200 {
		t.Fatalf("vehicle_data: %d %s", st, body)
	}
	if vs, _ := response(t, body)["vehicle_state"].(map[string]any); vs["locked"] != false {
		t.Errorf("locked after door_unlock = %v", vs["locked"])
	}

	st, body = e.do("POST", "NA", "/api/1/vehicles/"+e.m3+"/command/door_unlock", e.tok, nil)
	if st != 403 {
		t.Errorf("REST to a required vehicle: %d", st)
	}
	wantBody(t, body, `{"response":null,"error":"Tesla Vehicle Command Protocol required, please refer to the documentation here: https://developer.tesla.com/docs/fleet-api#2023-10-09-rest-api-vehicle-commands-endpoint-deprecation-warning","error_description":""}`)

	st, body = e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/command/no_such_command", e.tok, nil)
	if st != 400 {
		t.Errorf("unknown command: %d %s", st, body)
	}
	wantBody(t, body, `{"response":null,"error":"invalid_command","error_description":""}`)

	st, body = e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/command/set_charge_limit", e.tok, `{"percent":`)
	if st != 400 || !strings.Contains(string(body), "invalid_request") {
		t.Errorf("bad JSON: %d %s", st, body)
	}

	st, body = e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/command/set_charge_limit", e.tok, map[string]any{"percent": 120})
	if st != 400 {
		t.Errorf("out-of-range parameter: %d %s", st, body)
	}
	wantBody(t, body, `{"response":null,"error":"invalid_field","error_description":"percent 120 is outside 50–100"}`)

	e.setState(e.ms, "asleep")
	st, body = e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/command/door_lock", e.tok, nil)
	if st != 408 {
		t.Errorf("command to an asleep vehicle: %d", st)
	}
	wantBody(t, body, unavailable)
}

func TestRateLimits(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.ms, "online")
	path := "/api/1/vehicles/" + e.ms + "/vehicle_data?endpoints=charge_state"
	for i := range 60 {
		if st, body := e.do("GET", "NA", path, e.tok, nil); st != 200 {
			t.Fatalf("request %d: %d %s", i+1, st, body)
		}
	}
	resp := e.doResp("GET", "NA", path, e.tok, nil)
	body := readAll(t, resp)
	if resp.StatusCode != 429 {
		t.Fatalf("61st: %d %s", resp.StatusCode, body)
	}
	ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After = %q", resp.Header.Get("Retry-After"))
	}
	if string(body) != "Retry in "+strconv.Itoa(ra)+" seconds" {
		t.Errorf("429 body = %q", body)
	}
	if resp.Header.Get("RateLimit-Limit") != "60" || resp.Header.Get("RateLimit-Remaining") != "0" || resp.Header.Get("RateLimit-Reset") == "" {
		t.Errorf("RateLimit headers: %v", resp.Header)
	}
	// Other vehicles and categories have their own windows.
	e.setState(e.m3, "online")
	if st, _ := e.do("GET", "NA", "/api/1/vehicles/"+e.m3+"/vehicle_data", e.tok, nil); st != 200 {
		t.Errorf("other vehicle: %d", st)
	}
	// Wakes: 3 per minute.
	for i := range 3 {
		if st, _ := e.do("POST", "NA", "/api/1/vehicles/"+e.m3+"/wake_up", e.tok, nil); st != 200 {
			t.Fatalf("wake %d: %d", i+1, st)
		}
	}
	if st, _ := e.do("POST", "NA", "/api/1/vehicles/"+e.m3+"/wake_up", e.tok, nil); st != 429 {
		t.Errorf("4th wake: %d", st)
	}
	e.advance(strconv.Itoa(ra) + "s")
	e.setState(e.ms, "online")
	if st, body := e.do("GET", "NA", path, e.tok, nil); st != 200 {
		t.Errorf("after the window: %d %s", st, body)
	}
}

func TestEnergy(t *testing.T) {
	e := startEnv(t, nil)
	site := "/api/1/energy_sites/" + itoa(e.site)
	for _, p := range []string{"/site_info", "/live_status", "/calendar_history?kind=energy&period=day",
		"/calendar_history?kind=backup&period=week&start_date=2024-01-01T00:00:00Z&end_date=2024-01-08T00:00:00Z&time_zone=UTC"} {
		if st, body := e.do("GET", "NA", site+p, e.tok, nil); st != 200 || response(t, body) == nil {
			t.Errorf("%s: %d %s", p, st, body)
		}
	}
	for _, p := range []string{"/calendar_history?kind=energy&period=day&start_date=yesterday", "/calendar_history?kind=nope"} {
		if st, body := e.do("GET", "NA", site+p, e.tok, nil); st != 400 {
			t.Errorf("%s: %d %s", p, st, body)
		}
	}
	st, body := e.do("POST", "NA", site+"/backup", e.tok, map[string]any{"backup_reserve_percent": 40})
	if st != 200 {
		t.Fatalf("backup: %d %s", st, body)
	}
	st, body = e.do("GET", "NA", site+"/site_info", e.tok, nil)
	if st != 200 || response(t, body)["backup_reserve_percent"] != 40.0 {
		t.Errorf("site_info after backup 40: %s", body)
	}
}
