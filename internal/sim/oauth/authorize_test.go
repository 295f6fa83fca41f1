package oauth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestAuthorizationCodeFlow(t *testing.T) {
	e := newEnv(t)
	scope := "openid offline_access vehicle_device_data energy_cmds"

	page := get(t, e.authorizeURL(e.demoQuery(scope)))
	if page.status != http.StatusOK || !strings.Contains(page.body, "teslafleet demo") || !strings.Contains(page.body, `value="owner@example.com"`) {
		t.Fatalf("consent page: %d\n%s", page.status, page.body)
	}
	hidden, checked := consentForm(t, page.body)
	if hidden.Get("redirect_uri") != callback || hidden.Get("state") != "st-123" || hidden.Get("scope") != scope || hidden.Get("nonce") != "n-1" {
		t.Errorf("hidden fields = %v", hidden)
	}
	if want := strings.Fields(scope); !slices.Equal(checked, want) {
		t.Errorf("checked boxes = %v, want %v", checked, want)
	}

	cb := e.authorize(t, e.demoQuery(scope), ownerEmail, nil)
	q := cb.Query()
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != callback {
		t.Errorf("redirected to %s", got)
	}
	if !strings.HasPrefix(q.Get("code"), "NA_") || q.Get("state") != "st-123" || q.Get("issuer") != defaultIssuer {
		t.Fatalf("callback query = %v", q)
	}

	status, tok, eb := e.exchange(t, q.Get("code"), nil)
	if status != http.StatusOK {
		t.Fatalf("exchange: %d %+v", status, eb)
	}
	if tok.TokenType != "Bearer" || tok.ExpiresIn != 28800 || tok.State != "st-123" || tok.IDToken == "" || !strings.HasPrefix(tok.RefreshToken, "NA_") {
		t.Errorf("tokens = %+v", tok)
	}
	p, err := e.s.Authenticate(bearer(tok.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != ownerID || p.ClientID != e.demo.ClientID || p.Region != "NA" || p.Partner || !slices.Equal(p.Scopes, strings.Fields(scope)) {
		t.Errorf("principal = %+v", p)
	}
	if !p.ExpiresAt.Equal(e.clock.now().Add(accessTTL).Truncate(1e9)) {
		t.Errorf("expires at %v", p.ExpiresAt)
	}
	if st := e.s.Stats(); st[StatCodes] != 1 || st[StatAuthorizationCode] != 1 || st[StatFailures] != 0 {
		t.Errorf("stats = %v", st)
	}
}

func TestAuthorizeEUAccountAndNoRefreshWithoutOfflineAccess(t *testing.T) {
	e := newEnv(t)
	cb := e.authorize(t, e.demoQuery("vehicle_device_data"), euEmail, nil)
	code := cb.Query().Get("code")
	if !strings.HasPrefix(code, "EU_") {
		t.Fatalf("code %q lacks the EU prefix", code)
	}
	status, tok, _ := e.exchange(t, code, nil)
	if status != http.StatusOK || tok.RefreshToken != "" || tok.IDToken != "" {
		t.Fatalf("%d %+v: want an access token only", status, tok)
	}
	if _, payload := decodeJWT(t, tok.AccessToken); payload["ou_code"] != "EU" {
		t.Errorf("ou_code = %v", payload["ou_code"])
	}
}

func TestConsentChoices(t *testing.T) {
	e := newEnv(t)
	limited := App{ClientID: "limited-app", ClientSecret: "s3cret", RedirectURIs: []string{callback}, Scopes: []string{"openid", "vehicle_device_data"}}
	e.s.AddApp(limited)

	t.Run("requested scopes the app lacks are dropped", func(t *testing.T) {
		q := e.demoQuery("openid vehicle_device_data energy_cmds")
		q.Set("client_id", "limited-app")
		page := get(t, e.authorizeURL(q))
		_, checked := consentForm(t, page.body)
		if !slices.Equal(checked, []string{"openid", "vehicle_device_data"}) {
			t.Errorf("offered %v", checked)
		}
	})
	t.Run("unchecked scopes are not granted", func(t *testing.T) {
		cb := e.authorize(t, e.demoQuery("openid offline_access vehicle_device_data vehicle_cmds"), ownerEmail, []string{"openid", "vehicle_device_data", "energy_cmds"})
		_, tok, _ := e.exchange(t, cb.Query().Get("code"), nil)
		_, payload := decodeJWT(t, tok.AccessToken)
		if got := payload["scp"]; !jsonEqual(got, []string{"openid", "vehicle_device_data"}) {
			t.Errorf("scp = %v", got)
		}
	})

	page := get(t, e.authorizeURL(e.demoQuery("openid vehicle_cmds")))
	base, _ := consentForm(t, page.body)
	strict := e.demoQuery("openid vehicle_cmds")
	strict.Set("require_requested_scopes", "true")
	strictPage := get(t, e.authorizeURL(strict))
	strictForm, _ := consentForm(t, strictPage.body)
	tests := []struct {
		name    string
		form    url.Values
		account string
		scopes  []string
		want    string
	}{
		{"unknown account", base, "nobody@example.com", []string{"openid"}, "could not find a Tesla account"},
		{"markup in account is escaped", base, `<script>x</script>@e.com`, []string{"openid"}, "&lt;script&gt;"},
		{"no scope", base, ownerEmail, nil, "Select at least one permission"},
		{"no account", base, "", []string{"openid"}, "Enter the email"},
		{"all scopes required", strictForm, ownerEmail, []string{"openid"}, "requires every requested permission"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := cloneValues(tc.form)
			f.Set("account", tc.account)
			f["scopes"] = tc.scopes
			f.Set("action", "allow")
			res := postForm(t, e.ts.URL+"/oauth2/v3/authorize", f)
			if res.status != http.StatusBadRequest || res.location != "" || !strings.Contains(res.body, tc.want) {
				t.Fatalf("%d location=%q body:\n%s", res.status, res.location, res.body)
			}
			if strings.Contains(res.body, "<script>x") {
				t.Error("account echoed unescaped")
			}
			consentForm(t, res.body) // the form is shown again
		})
	}

	t.Run("programmatic submission of the query consents to all", func(t *testing.T) {
		f := e.demoQuery("openid offline_access vehicle_cmds")
		f.Set("account", euEmail)
		res := postForm(t, e.ts.URL+"/oauth2/v3/authorize", f)
		u, _ := url.Parse(res.location)
		if res.status != http.StatusFound || !strings.HasPrefix(u.Query().Get("code"), "EU_") {
			t.Fatalf("%d %s %s", res.status, res.location, res.body)
		}
		_, tok, _ := e.exchange(t, u.Query().Get("code"), nil)
		if _, p := decodeJWT(t, tok.AccessToken); !jsonEqual(p["scp"], []string{"openid", "offline_access", "vehicle_cmds"}) || p["sub"] != euID {
			t.Errorf("claims %v", p)
		}
	})
	t.Run("deny", func(t *testing.T) {
		f := cloneValues(base)
		f.Set("action", "deny")
		res := postForm(t, e.ts.URL+"/oauth2/v3/authorize", f)
		u, _ := url.Parse(res.location)
		if res.status != http.StatusFound || u.Query().Get("error") != "access_denied" || u.Query().Get("state") != "st-123" || u.Query().Has("code") {
			t.Fatalf("%d %s", res.status, res.location)
		}
	})
}

func TestAuthorizeErrors(t *testing.T) {
	e := newEnv(t)
	public := App{ClientID: "public-app", Public: true, RedirectURIs: []string{"http://localhost:*"}}
	e.s.AddApp(public)
	mod := func(f func(url.Values)) url.Values {
		q := e.demoQuery("openid vehicle_device_data")
		f(q)
		return q
	}
	tests := []struct {
		name string
		q    url.Values
		page string // error shown as a 400 page, never redirected
		redi string // error redirected to the client
	}{
		{"unknown client", mod(func(q url.Values) { q.Set("client_id", "nope") }), "unauthorized_client", ""},
		{"missing client", mod(func(q url.Values) { q.Del("client_id") }), "unauthorized_client", ""},
		{"missing redirect", mod(func(q url.Values) { q.Del("redirect_uri") }), "invalid_redirect_url", ""},
		{"foreign redirect", mod(func(q url.Values) { q.Set("redirect_uri", "https://evil.example/cb") }), "invalid_redirect_url", ""},
		{"userinfo trick", mod(func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:80@evil.example/cb") }), "invalid_redirect_url", ""},
		{"fragment", mod(func(q url.Values) { q.Set("redirect_uri", callback+"#x") }), "invalid_redirect_url", ""},
		{"https loopback not registered", mod(func(q url.Values) { q.Set("redirect_uri", "https://127.0.0.1:8123/cb") }), "invalid_redirect_url", ""},
		{"response type", mod(func(q url.Values) { q.Set("response_type", "token") }), "", "unsupported_response_type"},
		{"missing state", mod(func(q url.Values) { q.Del("state") }), "", "invalid_request"},
		{"missing scope", mod(func(q url.Values) { q.Del("scope") }), "", "invalid_request"},
		{"unknown scope", mod(func(q url.Values) { q.Set("scope", "openid root") }), "", "invalid_scope"},
		{"plain PKCE", mod(func(q url.Values) {
			q.Set("code_challenge", "abc")
			q.Set("code_challenge_method", "plain")
		}), "", "invalid_request"},
		{"public client without PKCE", mod(func(q url.Values) {
			q.Set("client_id", "public-app")
			q.Set("redirect_uri", "http://localhost:3000/cb")
		}), "", "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				var res response
				if method == http.MethodGet {
					res = get(t, e.authorizeURL(tc.q))
				} else {
					f := cloneValues(tc.q)
					f.Set("account", ownerEmail)
					f["scopes"] = []string{"openid"}
					res = postForm(t, e.ts.URL+"/oauth2/v3/authorize", f)
				}
				if tc.page != "" {
					if res.status != http.StatusBadRequest || res.location != "" || !strings.Contains(res.body, tc.page) {
						t.Errorf("%s: %d location=%q body=%s", method, res.status, res.location, res.body)
					}
					continue
				}
				u, err := url.Parse(res.location)
				if res.status != http.StatusFound || err != nil || !strings.HasPrefix(res.location, tc.q.Get("redirect_uri")+"?") {
					t.Fatalf("%s: %d location=%q", method, res.status, res.location)
				}
				if u.Query().Get("error") != tc.redi || u.Query().Has("code") || u.Query().Get("state") != tc.q.Get("state") {
					t.Errorf("%s: callback query %v", method, u.Query())
				}
			}
		})
	}
	if st := e.s.Stats(); st[StatCodes] != 0 {
		t.Errorf("codes issued: %v", st)
	}
}

func TestRedirectAllowed(t *testing.T) {
	demo := demoApp(1)
	exact := App{RedirectURIs: []string{"https://my.home-assistant.io/redirect/oauth"}}
	tests := []struct {
		app  App
		uri  string
		want bool
	}{
		{demo, "http://127.0.0.1:8123/auth/callback", true},
		{demo, "http://localhost:1/", true},
		{demo, "http://[::1]:9000/cb?x=1", true},
		{demo, "https://teslafleet.local/oauth/callback", true},
		{demo, "http://127.0.0.1.evil.example/cb", false},
		{demo, "http://127.0.0.1:1@evil.example/", false},
		{demo, "http://localhost:80.evil.example/", false},
		{demo, "https://teslafleet.local.evil.example/", false},
		{demo, "http://127.0.0.1:1/cb#frag", false},
		{demo, "/relative", false},
		{exact, "https://my.home-assistant.io/redirect/oauth", true},
		{exact, "https://my.home-assistant.io/redirect/oauth/x", false},
	}
	for _, tc := range tests {
		if got := redirectAllowed(tc.app, tc.uri); got != tc.want {
			t.Errorf("redirectAllowed(%q) = %v, want %v", tc.uri, got, tc.want)
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func jsonEqual(got any, want any) bool {
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	return string(a) == string(b)
}
