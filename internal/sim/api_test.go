package sim

import (
	"strings"
	"testing"
)

// The `teslafleet sim` smoke: the demo fleet over real loopback listeners.
func TestStartServesDemoFleet(t *testing.T) {
	e := startEnv(t, nil)
	for _, r := range Regions {
		if !strings.HasPrefix(e.s.URLs[r], "http://127.0.0.1:") {
			t.Errorf("URL of %s = %q", r, e.s.URLs[r])
		}
	}
	if e.s.AuthURL != e.s.URLs["NA"] {
		t.Errorf("AuthURL %q != NA %q", e.s.AuthURL, e.s.URLs["NA"])
	}
	st, body := e.do("GET", "NA", "/status", "", nil)
	if st != 200 || string(body) != "ok" {
		t.Errorf("/status = %d %q", st, body)
	}
	st, body = e.do("GET", "NA", "/api/1/products", e.token("vehicle_device_data"), nil)
	if st != 200 {
		t.Fatalf("products %d %s", st, body)
	}
	var prods struct {
		Response []map[string]any `json:"response"`
		Count    int              `json:"count"`
	}
	mustJSON(t, body, &prods)
	var vehicles, sites int
	for _, p := range prods.Response {
		if p["vin"] != nil {
			vehicles++
		}
		if p["energy_site_id"] != nil {
			sites++
		}
	}
	if vehicles != 2 || sites != 1 || prods.Count != len(prods.Response) {
		t.Errorf("products: %d vehicles, %d sites, count %d of %d", vehicles, sites, prods.Count, len(prods.Response))
	}
}

func TestAuthenticationErrors(t *testing.T) {
	e := startEnv(t, nil)
	st, body := e.do("GET", "NA", "/api/1/products", "", nil)
	if st != 401 || len(body) != 0 {
		t.Errorf("no token: %d %q, want 401 without body", st, body)
	}
	st, body = e.do("GET", "NA", "/api/1/products", "not-a-jwt", nil)
	if st != 401 {
		t.Errorf("bad token: %d", st)
	}
	wantBody(t, body, `{"error":"invalid bearer token"}`)

	tok := e.token("vehicle_device_data")
	e.advance("9h") // access tokens live 8 h on the world clock
	st, body = e.do("GET", "NA", "/api/1/products", tok, nil)
	if st != 401 {
		t.Errorf("expired token: %d", st)
	}
	wantBody(t, body, `{"error":"token expired (401)"}`)
}

func TestScopes(t *testing.T) {
	e := startEnv(t, nil)
	const missing = `{"response":null,"error":"Unauthorized missing scopes","error_description":""}`
	e.setState(e.ms, "online")
	cases := []struct {
		name   string
		scopes []string
		method string
		path   string
		body   any
		want   int
	}{
		{"vehicle_data needs device data", []string{"openid", "vehicle_cmds"}, "GET", "/api/1/vehicles/" + e.ms + "/vehicle_data", nil, 403},
		{"vehicles needs device data", []string{"energy_device_data"}, "GET", "/api/1/vehicles", nil, 403},
		{"products with an energy scope", []string{"energy_device_data"}, "GET", "/api/1/products", nil, 200},
		{"products with no product scope", []string{"openid", "user_data"}, "GET", "/api/1/products", nil, 403},
		{"command needs vehicle_cmds", []string{"vehicle_device_data"}, "POST", "/api/1/vehicles/" + e.ms + "/command/flash_lights", nil, 403},
		{"charging command takes charging scope", []string{"vehicle_charging_cmds"}, "POST", "/api/1/vehicles/" + e.ms + "/command/charge_port_door_open", nil, 200},
		{"non-charging command refuses charging scope", []string{"vehicle_charging_cmds"}, "POST", "/api/1/vehicles/" + e.ms + "/command/door_unlock", nil, 403},
		{"signed_command needs a command scope", []string{"vehicle_device_data"}, "POST", "/api/1/vehicles/" + e.m3 + "/signed_command", map[string]string{"routable_message": "AA=="}, 403},
		{"energy read", []string{"vehicle_device_data"}, "GET", "/api/1/energy_sites/" + itoa(e.site) + "/live_status", nil, 403},
		{"energy write needs energy_cmds", []string{"energy_device_data"}, "POST", "/api/1/energy_sites/" + itoa(e.site) + "/storm_mode", map[string]any{"enabled": true}, 403},
		{"users/region with any token", []string{"openid"}, "GET", "/api/1/users/region", nil, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := e.do(c.method, "NA", c.path, e.token(c.scopes...), c.body)
			if st != c.want {
				t.Fatalf("%d %s, want %d", st, body, c.want)
			}
			if st == 403 {
				wantBody(t, body, missing)
			}
		})
	}
}

func TestUnmodelledPaths(t *testing.T) {
	e := startEnv(t, nil)
	st, body := e.do("GET", "NA", "/api/1/no_such_thing", e.tok, nil)
	if st != 404 {
		t.Errorf("unknown path: %d", st)
	}
	wantBody(t, body, `{"response":null,"error":"Not Found","error_description":""}`)
	st, body = e.do("DELETE", "NA", "/api/1/products", e.tok, nil)
	if st != 405 {
		t.Errorf("wrong method: %d %s", st, body)
	}
	st, _ = e.do("GET", "NA", "/api/1/vehicles/NOSUCHVIN/vehicle_data", e.tok, nil)
	if st != 404 {
		t.Errorf("unknown vehicle: %d", st)
	}
	st, _ = e.do("GET", "NA", "/api/1/energy_sites/999999999/site_info", e.tok, nil)
	if st != 404 {
		t.Errorf("unknown site: %d", st)
	}
}

func TestNotJSONRequest(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.ms, "online")
	resp := e.doResp("POST", "NA", "/api/1/vehicles/"+e.ms+"/command/flash_lights", e.tok, nil)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("empty body without content type: %d", resp.StatusCode)
	}
	req := e.s.URLs["NA"] + "/api/1/vehicles/" + e.ms + "/command/set_charge_limit"
	st, body := postRaw(t, req, e.tok, "text/plain", `{"percent":80}`)
	if st != 406 {
		t.Errorf("text body: %d %s", st, body)
	}
	wantBody(t, body, `{"response":null,"error":"not_a_JSON_request","error_description":""}`)
}

func TestRegions(t *testing.T) {
	e := startEnv(t, nil)
	tok := e.token("vehicle_device_data")
	// users/region on the right host.
	st, body := e.do("GET", "NA", "/api/1/users/region", tok, nil)
	if st != 200 {
		t.Fatalf("users/region: %d %s", st, body)
	}
	r := response(t, body)
	if r["region"] != "na" || r["fleet_api_base_url"] != e.s.URLs["NA"] {
		t.Errorf("users/region = %v", r)
	}
	// The user moves to EU: NA answers 421 with the EU host, EU serves.
	e.ctl("PATCH", "/_sim/accounts/"+demoEmail, map[string]any{"region": "EU"})
	for _, path := range []string{"/api/1/products", "/api/1/users/region"} {
		resp := e.doResp("GET", "NA", path, tok, nil)
		b := readAll(t, resp)
		if resp.StatusCode != 421 {
			t.Fatalf("%s on NA: %d %s", path, resp.StatusCode, b)
		}
		eu := e.s.URLs["EU"]
		wantBody(t, b, `{"response":null,"error":"user out of region, use base URL: `+eu+`, see https://developer.tesla.com/docs/fleet-api#regions","error_description":""}`)
		if got := resp.Header.Get("Alt-Svc"); got != "h2="+eu {
			t.Errorf("Alt-Svc = %q", got)
		}
	}
	st, body = e.do("GET", "EU", "/api/1/users/region", tok, nil)
	if st != 200 {
		t.Fatalf("users/region on EU: %d %s", st, body)
	}
	if r := response(t, body); r["region"] != "eu" || r["fleet_api_base_url"] != e.s.URLs["EU"] {
		t.Errorf("users/region on EU = %v", r)
	}
	st, _ = e.do("GET", "EU", "/api/1/products", tok, nil)
	if st != 200 {
		t.Errorf("products on EU: %d", st)
	}
}

// An app added through /_sim/apps is a partner nowhere: 412 everywhere.
func TestUnregisteredApp412(t *testing.T) {
	e := startEnv(t, nil)
	app := e.addApp("https://www.example.com")
	tok := e.tokenFor(app.ClientID, "vehicle_device_data")
	st, body := e.do("GET", "NA", "/api/1/products", tok, nil)
	if st != 412 {
		t.Fatalf("products: %d %s", st, body)
	}
	wantBody(t, body, `{"error":"Account `+app.ClientID+` must be registered in the current region `+e.s.URLs["NA"]+`, please see https://developer.tesla.com/docs/fleet-api/endpoints/partner-endpoints#register"}`)
}

// Open-source (public) apps cannot get partner tokens, so they are not held
// to partner registration.
func TestPublicAppNeedsNoRegistration(t *testing.T) {
	e := startEnv(t, nil)
	b := e.ctl("POST", "/_sim/apps", map[string]any{"name": "OSS app", "public": true,
		"redirect_uris": []string{"http://127.0.0.1:*"}, "scopes": allScopes})
	var app struct {
		ClientID string `json:"client_id"`
	}
	mustJSON(t, b, &app)
	tok := e.tokenFor(app.ClientID, "vehicle_device_data")
	if st, body := e.do("GET", "NA", "/api/1/products", tok, nil); st != 200 {
		t.Errorf("public app: %d %s", st, body)
	}
}
