package oauth

import (
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPKCE(t *testing.T) {
	e := newEnv(t)
	res := postJSON(t, e.ts.URL+"/_sim/apps", `{"name":"open source","public":true,"redirect_uris":["http://localhost:*"],"scopes":["openid","offline_access","vehicle_device_data"]}`)
	var app App
	if res.status != http.StatusCreated || json.Unmarshal([]byte(res.body), &app) != nil || app.ClientID == "" || app.ClientSecret != "" || !app.Public {
		t.Fatalf("register: %d %s", res.status, res.body)
	}
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more"
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {"http://localhost:5000/cb"},
		"scope": {"openid offline_access vehicle_device_data"}, "state": {"s"},
		"code_challenge": {b64(sum[:])}, "code_challenge_method": {"S256"},
	}
	code := e.authorize(t, q, ownerEmail, nil).Query().Get("code")
	exchange := func(v string) (int, Tokens, errorBody) {
		f := url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ClientID}, "code": {code}, "redirect_uri": {"http://localhost:5000/cb"}}
		if v != "" {
			f.Set("code_verifier", v)
		}
		return e.token(t, f)
	}
	if status, _, eb := exchange(""); status != http.StatusBadRequest || eb.Error != "invalid_request" {
		t.Errorf("without verifier: %d %+v", status, eb)
	}
	if status, _, eb := exchange(verifier + "x"); status != http.StatusBadRequest || eb.Error != "invalid_auth_code" {
		t.Errorf("wrong verifier: %d %+v", status, eb)
	}
	status, tok, eb := exchange(verifier)
	if status != http.StatusOK || tok.RefreshToken == "" {
		t.Fatalf("right verifier: %d %+v", status, eb)
	}
	// A public app refreshes without a secret and never gets a partner token.
	if status, _, eb := e.token(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {app.ClientID}, "refresh_token": {tok.RefreshToken}}); status != http.StatusOK {
		t.Errorf("public refresh: %d %+v", status, eb)
	}
	if status, _, eb := e.token(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID}}); status != http.StatusBadRequest || eb.Error != "unauthorized_client" {
		t.Errorf("public partner token: %d %+v", status, eb)
	}
}

func TestCodeExchangeFailures(t *testing.T) {
	e := newEnv(t)
	other := App{ClientID: "other-app", ClientSecret: "other-secret", RedirectURIs: []string{callback}}
	e.s.AddApp(other)
	newCode := func() string {
		return e.authorize(t, e.demoQuery("openid offline_access"), ownerEmail, nil).Query().Get("code")
	}

	code := newCode()
	tests := []struct {
		name   string
		code   string
		extra  url.Values
		status int
		want   string
	}{
		{"wrong secret", code, url.Values{"client_secret": {"nope"}}, 400, "unauthorized_client"},
		{"missing secret", code, url.Values{"client_secret": nil}, 400, "unauthorized_client"},
		{"unknown client", code, url.Values{"client_id": {"ghost"}}, 400, "unauthorized_client"},
		{"another client's code", code, url.Values{"client_id": {"other-app"}, "client_secret": {"other-secret"}}, 400, "invalid_auth_code"},
		{"different redirect", code, url.Values{"redirect_uri": {"http://127.0.0.1:8123/other"}}, 400, "invalid_redirect_url"},
		{"missing redirect", code, url.Values{"redirect_uri": nil}, 400, "invalid_redirect_url"},
		{"unknown code", "NA_0000", nil, 400, "invalid_auth_code"},
		{"missing code", "", nil, 400, "invalid_request"},
		{"first use", code, nil, 200, ""},
		{"reuse", code, nil, 400, "invalid_auth_code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, eb := e.exchange(t, tc.code, tc.extra)
			if status != tc.status || eb.Error != tc.want {
				t.Fatalf("%d %+v, want %d %s", status, eb, tc.status, tc.want)
			}
			if tc.want != "" && eb.URI != errorURIBase+tc.want {
				t.Errorf("error_uri = %q", eb.URI)
			}
		})
	}

	t.Run("expired", func(t *testing.T) {
		code := newCode()
		e.clock.advance(codeTTL + time.Second)
		if status, _, eb := e.exchange(t, code, nil); status != 400 || eb.Error != "invalid_auth_code" {
			t.Fatalf("%d %+v", status, eb)
		}
	})
	t.Run("just before expiry", func(t *testing.T) {
		code := newCode()
		e.clock.advance(codeTTL - time.Second)
		if status, _, eb := e.exchange(t, code, nil); status != 200 {
			t.Fatalf("%d %+v", status, eb)
		}
	})
}

func TestTokenEndpointRequests(t *testing.T) {
	e := newEnv(t)
	url := e.ts.URL + "/oauth2/v3/token"
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		status      int
		want        string
	}{
		{"json body", http.MethodPost, "application/json", `{"grant_type":"client_credentials"}`, 400, "invalid_request"},
		{"no content type", http.MethodPost, "", "grant_type=client_credentials", 400, "invalid_request"},
		{"multipart", http.MethodPost, "multipart/form-data; boundary=x", "--x--", 400, "invalid_request"},
		{"unknown grant", http.MethodPost, "application/x-www-form-urlencoded", "grant_type=password&username=a&password=b", 400, "unsupported_grant_type"},
		{"missing grant", http.MethodPost, "application/x-www-form-urlencoded", "client_id=x", 400, "invalid_request"},
		{"charset param is fine", http.MethodPost, "application/x-www-form-urlencoded; charset=utf-8", "grant_type=implicit", 400, "unsupported_grant_type"},
		{"GET", http.MethodGet, "", "", 405, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, url, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			res := do(t, req)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.want == "" {
				return
			}
			var eb errorBody
			if err := json.Unmarshal([]byte(res.body), &eb); err != nil || eb.Error != tc.want || eb.Description == "" || !strings.HasPrefix(eb.URI, "https://auth.tesla.com/error/reference/") {
				t.Fatalf("body %s", res.body)
			}
		})
	}
	if st := e.s.Stats(); st[StatFailures] != 6 {
		t.Errorf("failures = %d, want 6", st[StatFailures])
	}
}

func TestClientCredentials(t *testing.T) {
	e := newEnv(t)
	base := url.Values{"grant_type": {"client_credentials"}, "client_id": {e.demo.ClientID}, "client_secret": {e.demo.ClientSecret},
		"scope": {"openid vehicle_device_data vehicle_cmds"}, "audience": {testAudiences[1]}}

	status, tok, eb := e.token(t, base)
	if status != http.StatusOK || tok.RefreshToken != "" || tok.IDToken != "" || tok.ExpiresIn != 28800 || tok.TokenType != "Bearer" {
		t.Fatalf("%d %+v %+v", status, tok, eb)
	}
	p, err := e.s.Authenticate(bearer(tok.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Partner || p.Subject != e.demo.ClientID || p.ClientID != e.demo.ClientID || p.Region != "" || len(p.Scopes) != 3 {
		t.Errorf("principal = %+v", p)
	}

	t.Run("basic auth", func(t *testing.T) {
		f := cloneValues(base)
		f.Del("client_id")
		f.Del("client_secret")
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/oauth2/v3/token", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(e.demo.ClientID), url.QueryEscape(e.demo.ClientSecret))
		if res := do(t, req); res.status != http.StatusOK {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("default scopes are the app's", func(t *testing.T) {
		f := cloneValues(base)
		f.Del("scope")
		_, tok, _ := e.token(t, f)
		if _, payload := decodeJWT(t, tok.AccessToken); !jsonEqual(payload["scp"], AllScopes()) {
			t.Errorf("scp = %v", payload["scp"])
		}
	})

	narrow := App{ClientID: "narrow", ClientSecret: "pw", Scopes: []string{"openid"}}
	e.s.AddApp(narrow)
	tests := []struct {
		name string
		set  url.Values
		want string
	}{
		{"missing secret", url.Values{"client_secret": nil}, "unauthorized_client"},
		{"wrong secret", url.Values{"client_secret": {"x"}}, "unauthorized_client"},
		{"scope not enabled", url.Values{"client_id": {"narrow"}, "client_secret": {"pw"}, "scope": {"openid energy_cmds"}}, "invalid_scope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := cloneValues(base)
			for k, v := range tc.set {
				f[k] = v
			}
			if status, _, eb := e.token(t, f); status != 400 || eb.Error != tc.want {
				t.Fatalf("%d %+v", status, eb)
			}
		})
	}
	if st := e.s.Stats(); st[StatClientCredentials] != 3 {
		t.Errorf("stats = %v", st)
	}
}

func TestSimTokensAndApps(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"owner", `{"account":"owner@example.com","scopes":["openid","vehicle_device_data"]}`, 200, ""},
		{"by id, all scopes", `{"account":"` + euID + `"}`, 200, ""},
		{"explicit demo client", `{"account":"owner@example.com","client_id":"` + e.demo.ClientID + `"}`, 200, ""},
		{"unknown account", `{"account":"ghost@example.com"}`, 400, "unknown_account"},
		{"unknown client", `{"account":"owner@example.com","client_id":"ghost"}`, 400, "unauthorized_client"},
		{"unknown scope", `{"account":"owner@example.com","scopes":["root"]}`, 400, "invalid_scope"},
		{"not JSON", `account=owner`, 400, "invalid_request"},
		{"unknown field", `{"acount":"owner@example.com"}`, 400, "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := postJSON(t, e.ts.URL+"/_sim/tokens", tc.body)
			if res.status != tc.status {
				t.Fatalf("%d %s", res.status, res.body)
			}
			if tc.status != 200 {
				var eb errorBody
				if json.Unmarshal([]byte(res.body), &eb) != nil || eb.Error != tc.want || eb.Description == "" {
					t.Fatalf("body %s", res.body)
				}
				return
			}
			var tok Tokens
			if err := json.Unmarshal([]byte(res.body), &tok); err != nil || tok.RefreshToken == "" || tok.ExpiresIn != 28800 {
				t.Fatalf("body %s", res.body)
			}
			if _, err := e.s.Authenticate(bearer(tok.AccessToken)); err != nil {
				t.Fatal(err)
			}
		})
	}
	if st := e.s.Stats(); st[StatMint] != 3 {
		t.Errorf("stats = %v", st)
	}

	res := postJSON(t, e.ts.URL+"/_sim/apps", `{"name":"mine","redirect_uris":["https://app.example/cb"],"allowed_origins":["https://app.example"],"scopes":["openid","energy_device_data"]}`)
	var app App
	if res.status != http.StatusCreated || json.Unmarshal([]byte(res.body), &app) != nil {
		t.Fatalf("%d %s", res.status, res.body)
	}
	if app.ClientID == "" || !strings.HasPrefix(app.ClientSecret, "ta-secret.") || app.ClientID == e.demo.ClientID {
		t.Errorf("generated credentials: %+v", app)
	}
	if got, ok := e.s.App(app.ClientID); !ok || got.Name != "mine" || len(got.Scopes) != 2 {
		t.Errorf("App() = %+v %v", got, ok)
	}
	if _, err := e.s.Mint(ownerEmail, app.ClientID, []string{"vehicle_cmds"}); err == nil {
		t.Error("minted a scope the app lacks")
	}
	for _, bad := range []string{`{"scopes":["root"]}`, `{"redirect_uris":["not a url"]}`, `[]`} {
		if res := postJSON(t, e.ts.URL+"/_sim/apps", bad); res.status != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, res.status)
		}
	}
}
