package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

const demoEmail = "owner@example.com"

var allScopes = []string{"openid", "offline_access", "user_data", "vehicle_device_data", "vehicle_location",
	"vehicle_cmds", "vehicle_charging_cmds", "energy_device_data", "energy_cmds"}

// env is a started cloud with the demo fleet discovered.
type env struct {
	t    testing.TB
	s    *Server
	m3   string // command_signing "required"
	ms   string // command_signing "off"
	site int64
	tok  string // all scopes, demo app
}

func startEnv(t testing.TB, resolver map[string]string) *env {
	t.Helper()
	s, err := Start("127.0.0.1:0", Options{Seed: 7, WakeDelay: 10 * time.Second, Resolver: resolver})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(s.Close)
	e := &env{t: t, s: s}
	e.tok = e.token(allScopes...)
	st, body := e.do("GET", "NA", "/api/1/products", e.tok, nil)
	if st != 200 {
		t.Fatalf("products: %d %s", st, body)
	}
	var prods struct {
		Response []map[string]any `json:"response"`
	}
	mustJSON(t, body, &prods)
	for _, p := range prods.Response {
		switch {
		case p["vin"] != nil && p["command_signing"] == "required":
			e.m3 = p["vin"].(string)
		case p["vin"] != nil && p["command_signing"] == "off":
			e.ms = p["vin"].(string)
		case p["energy_site_id"] != nil:
			e.site = int64(p["energy_site_id"].(float64))
		}
	}
	if e.m3 == "" || e.ms == "" || e.site == 0 {
		t.Fatalf("demo fleet not found in products: %s", body)
	}
	return e
}

// token mints a demo-app user token for the demo account via /_sim/tokens.
func (e *env) token(scopes ...string) string {
	return e.tokenFor("", scopes...)
}

func (e *env) tokenFor(clientID string, scopes ...string) string {
	e.t.Helper()
	req := map[string]any{"account": demoEmail, "scopes": scopes}
	if clientID != "" {
		req["client_id"] = clientID
	}
	st, body := e.do("POST", "NA", "/_sim/tokens", "", req)
	if st != 200 {
		e.t.Fatalf("/_sim/tokens: %d %s", st, body)
	}
	var tk struct {
		AccessToken string `json:"access_token"`
	}
	mustJSON(e.t, body, &tk)
	return tk.AccessToken
}

// partnerToken gets a client_credentials token from the token endpoint.
func (e *env) partnerToken(clientID, secret string) string {
	e.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret},
		"scope": {"openid vehicle_device_data vehicle_cmds"}, "audience": {e.s.URLs["NA"]}}
	resp, err := http.PostForm(e.s.AuthURL+"/oauth2/v3/token", form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		e.t.Fatalf("partner token: %d %s", resp.StatusCode, body)
	}
	var tk struct {
		AccessToken string `json:"access_token"`
	}
	mustJSON(e.t, body, &tk)
	return tk.AccessToken
}

// do sends a request to a region (body as JSON unless it is a string).
func (e *env) do(method, region, path, token string, body any) (int, []byte) {
	e.t.Helper()
	resp := e.doResp(method, region, path, token, body)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (e *env) doResp(method, region, path, token string, body any) *http.Response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			j, err := json.Marshal(b)
			if err != nil {
				e.t.Fatal(err)
			}
			rd = bytes.NewReader(j)
		}
	}
	req, err := http.NewRequest(method, e.s.URLs[region]+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// ctl calls a /_sim/ control and fails the test unless it answers 2xx.
func (e *env) ctl(method, path string, body any) []byte {
	e.t.Helper()
	st, b := e.do(method, "NA", path, "", body)
	if st/100 != 2 {
		e.t.Fatalf("%s %s: %d %s", method, path, st, b)
	}
	return b
}

func (e *env) setState(vin, state string) {
	e.t.Helper()
	e.ctl("PATCH", "/_sim/vehicles/"+vin, map[string]any{"state": state})
}

func (e *env) advance(d string) {
	e.t.Helper()
	e.ctl("POST", "/_sim/clock", map[string]any{"advance": d})
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("bad JSON %q: %v", b, err)
	}
}

// wantBody compares a body with the exact text expected (trailing newline ignored).
func wantBody(t testing.TB, got []byte, want string) {
	t.Helper()
	if g := strings.TrimSpace(string(got)); g != want {
		t.Errorf("body\n got %s\nwant %s", g, want)
	}
}

// response decodes {"response": …}.
func response(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var env struct {
		Response map[string]any `json:"response"`
	}
	mustJSON(t, b, &env)
	return env.Response
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// postRaw posts body with the given content type.
func postRaw(t testing.TB, url, token, contentType, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, readAll(t, resp)
}

// addApp registers a confidential app through /_sim/apps.
func (e *env) addApp(origins ...string) oauth.App {
	e.t.Helper()
	b := e.ctl("POST", "/_sim/apps", map[string]any{
		"name": "Test app", "allowed_origins": origins, "redirect_uris": []string{"http://127.0.0.1:*"},
		"scopes": allScopes,
	})
	var a oauth.App
	mustJSON(e.t, b, &a)
	if a.ClientID == "" || a.ClientSecret == "" {
		e.t.Fatalf("app without credentials: %s", b)
	}
	return a
}

func worldPatchState(s string) world.VehiclePatch { return world.VehiclePatch{State: &s} }
