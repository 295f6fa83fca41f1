package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"golang.org/x/oauth2"
)

// tokenServer is a fake Tesla token endpoint with single-use refresh tokens.
type tokenServer struct {
	*recorder
	mu        sync.Mutex
	refresh   string // the valid refresh token
	rotations int
	expiresIn int
	gate      chan struct{} // when set, refresh grants wait for it
	arrived   chan struct{} // signalled when a refresh grant arrives
	forms     []url.Values
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{refresh: "NA_rt-0", expiresIn: 28800}
	ts.recorder = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		ts.mu.Lock()
		ts.forms = append(ts.forms, r.PostForm)
		gate, arrived := ts.gate, ts.arrived
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.PostForm.Get("grant_type") {
		case "authorization_code", "client_credentials":
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fakeJWT(map[string]any{"sub": "u1"}), "refresh_token": "NA_rt-0", "expires_in": ts.expiresIn, "token_type": "Bearer"})
		case "refresh_token":
			if arrived != nil {
				arrived <- struct{}{}
			}
			if gate != nil {
				<-gate
			}
			ts.mu.Lock()
			defer ts.mu.Unlock()
			if r.PostForm.Get("refresh_token") != ts.refresh {
				w.WriteHeader(401)
				_, _ = w.Write([]byte(`{"error":"login_required","error_description":"refresh token is no longer valid"}`))
				return
			}
			ts.rotations++
			ts.refresh = fmt.Sprintf("NA_rt-%d", ts.rotations)
			_ = json.NewEncoder(w).Encode(map[string]any{
				"access_token":  fakeJWT(map[string]any{"sub": "u1", "n": ts.rotations}),
				"refresh_token": ts.refresh, "expires_in": ts.expiresIn, "token_type": "Bearer",
			})
		default:
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":"unsupported_grant_type"}`))
		}
	})
	return ts
}

func (ts *tokenServer) rotationCount() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.rotations
}

// memStore is the in-memory TokenStore that records saves; saveErr makes
// Save fail and onSave runs first.
type memStore struct {
	MemoryTokenStore
	mu      sync.Mutex
	saves   []string // refresh tokens saved, in order
	saveErr error
	onSave  func()
}

func (s *memStore) Save(ctx context.Context, tok *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onSave != nil {
		s.onSave()
	}
	if s.saveErr != nil {
		return s.saveErr
	}
	s.saves = append(s.saves, tok.RefreshToken)
	return s.MemoryTokenStore.Save(ctx, tok)
}

func testOAuth(ts *tokenServer) *OAuth {
	return NewOAuth(Config{
		ClientID: "cid", ClientSecret: "secret", RedirectURL: "http://127.0.0.1/cb",
		AuthorizeURL: ts.URL + "/oauth2/v3/authorize", TokenURL: ts.URL + "/oauth2/v3/token",
		BaseURLs: map[Region]string{RegionNA: "http://na.test", RegionEU: "http://eu.test"},
	})
}

func TestAuthCodeURL(t *testing.T) {
	a := NewOAuth(Config{ClientID: "cid", RedirectURL: "https://example.com/cb"})
	for _, tc := range []struct {
		opts AuthOptions
		want map[string]string
	}{
		{AuthOptions{}, map[string]string{"prompt": "", "code_challenge": ""}},
		{AuthOptions{PromptLogin: true, RequireRequestedScopes: true, ShowKeypairStep: true, Locale: "en-US", Nonce: "n1"},
			map[string]string{"prompt": "login", "require_requested_scopes": "true", "show_keypair_step": "true", "locale": "en-US", "nonce": "n1"}},
		{AuthOptions{PKCE: true}, map[string]string{"code_challenge_method": "S256"}},
	} {
		raw, verifier := a.AuthCodeURL("st4te", tc.opts)
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if u.Scheme+"://"+u.Host+u.Path != DefaultAuthorizeURL {
			t.Errorf("authorize URL %s", raw)
		}
		q := u.Query()
		common := map[string]string{
			"response_type": "code", "client_id": "cid", "redirect_uri": "https://example.com/cb", "state": "st4te",
			"prompt_missing_scopes": "true",
			"scope":                 "openid offline_access vehicle_device_data vehicle_location vehicle_cmds vehicle_charging_cmds energy_device_data energy_cmds",
		}
		for k, v := range common {
			if q.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, q.Get(k), v)
			}
		}
		for k, v := range tc.want {
			if q.Get(k) != v {
				t.Errorf("%+v: %s = %q, want %q", tc.opts, k, q.Get(k), v)
			}
		}
		if tc.opts.PKCE != (verifier != "") {
			t.Errorf("verifier %q with PKCE %v", verifier, tc.opts.PKCE)
		}
		if tc.opts.PKCE && q.Get("code_challenge") != oauth2.S256ChallengeFromVerifier(verifier) {
			t.Errorf("code_challenge does not match the verifier")
		}
	}
}

func TestExchangeAndPartnerToken(t *testing.T) {
	ts := newTokenServer(t)
	a := testOAuth(ts)
	for _, tc := range []struct {
		code, verifier, audience string
	}{
		{"NA_code1", "", "http://na.test"},
		{"EU_code2", "v3rifier", "http://eu.test"},
		{"plain", "", "http://na.test"}, // no prefix: Config.Region (NA)
	} {
		tok, err := a.Exchange(t.Context(), tc.code, tc.verifier)
		if err != nil || tok.RefreshToken != "NA_rt-0" || tok.Expiry.IsZero() {
			t.Fatalf("Exchange(%s) = %+v, %v", tc.code, tok, err)
		}
		f := ts.forms[len(ts.forms)-1]
		want := url.Values{
			"grant_type": {"authorization_code"}, "code": {tc.code}, "client_id": {"cid"}, "client_secret": {"secret"},
			"redirect_uri": {"http://127.0.0.1/cb"}, "audience": {tc.audience},
		}
		if tc.verifier != "" {
			want.Set("code_verifier", tc.verifier)
		}
		if f.Encode() != want.Encode() {
			t.Errorf("form %s\nwant %s", f.Encode(), want.Encode())
		}
	}
	tok, err := a.PartnerToken(t.Context(), RegionEU)
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("PartnerToken = %v, %v", tok, err)
	}
	f := ts.forms[len(ts.forms)-1]
	if f.Get("grant_type") != "client_credentials" || f.Get("audience") != "http://eu.test" || f.Get("client_secret") != "secret" ||
		f.Get("scope") != "openid vehicle_device_data vehicle_cmds vehicle_charging_cmds" {
		t.Errorf("partner form %v", f)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		class  error
		code   string
	}{
		{401, `{"error":"login_required"}`, ErrLoginRequired, "login_required"},
		{400, `{"error":"invalid_grant","error_description":"expired"}`, ErrLoginRequired, "invalid_grant"},
		{401, `{"error":"unauthorized_client","error_description":"We don't recognize this client_id and client_secret combination","error_uri":"https://auth.tesla.com/error/reference/x"}`, ErrUnauthorizedClient, "unauthorized_client"},
		{400, `{"error":"invalid_auth_code"}`, ErrInvalidAuthCode, "invalid_auth_code"},
		{400, `{"error":"invalid_redirect_url"}`, ErrInvalidRequest, "invalid_redirect_url"},
		{401, ``, ErrLoginRequired, ""},
		{503, `busy`, ErrServer, ""},
		{429, `slow down`, ErrRateLimited, ""},
	} {
		srv := newRecorder(t, respond(tc.status, tc.body))
		a := NewOAuth(Config{ClientID: "c", ClientSecret: "s", TokenURL: srv.URL})
		for name, f := range map[string]func() error{
			"exchange": func() error { _, err := a.Exchange(t.Context(), "NA_x", ""); return err },
			"refresh":  func() error { _, err := a.Refresh(t.Context(), "NA_rt"); return err },
			"partner":  func() error { _, err := a.PartnerToken(t.Context(), RegionNA); return err },
		} {
			err := f()
			var ae *AuthError
			if !errors.Is(err, tc.class) || !errors.Is(err, ErrAuth) || !errors.As(err, &ae) || ae.Status != tc.status || ae.Code != tc.code {
				t.Errorf("%d %s %s: err = %v (%#v)", tc.status, tc.body, name, err, ae)
			}
		}
	}
	// An unreachable token endpoint is a transport error.
	a := NewOAuth(Config{TokenURL: "http://127.0.0.1:1/token"})
	if _, err := a.Refresh(t.Context(), "x"); !errors.Is(err, ErrNetwork) {
		t.Errorf("unreachable: %v", err)
	}
	if _, err := a.Refresh(t.Context(), ""); !errors.Is(err, ErrLoginRequired) {
		t.Errorf("no refresh token: %v", err)
	}
}

func TestAuthEndpointsDefaults(t *testing.T) {
	cfg := Config{}.withDefaults()
	want := map[Region]AuthEndpoints{
		RegionNA: {"https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/authorize", "https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/token"},
		RegionEU: {"https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/authorize", "https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/token"},
		RegionCN: {"https://auth.tesla.cn/oauth2/v3/authorize", "https://auth.tesla.cn/oauth2/v3/token"},
	}
	for r, w := range want {
		if cfg.AuthURLs[r] != w || DefaultAuthEndpoints(r) != w {
			t.Errorf("%s: %+v (default %+v), want %+v", r, cfg.AuthURLs[r], DefaultAuthEndpoints(r), w)
		}
	}
	if DefaultAuthEndpoints("XX") != (AuthEndpoints{}) {
		t.Error("unknown region has endpoints")
	}

	// AuthorizeURL/TokenURL replace Tesla's in every region; a region's own
	// entry (even one field of it) wins over them.
	cfg = Config{
		AuthorizeURL: "http://all/authorize", TokenURL: "http://all/token",
		AuthURLs: map[Region]AuthEndpoints{RegionCN: {Token: "http://cn/token"}},
	}.withDefaults()
	want = map[Region]AuthEndpoints{
		RegionNA: {"http://all/authorize", "http://all/token"},
		RegionEU: {"http://all/authorize", "http://all/token"},
		RegionCN: {"http://all/authorize", "http://cn/token"},
	}
	for r, w := range want {
		if cfg.AuthURLs[r] != w {
			t.Errorf("override %s: %+v, want %+v", r, cfg.AuthURLs[r], w)
		}
	}
}

// TestOAuthUsesTheRegionsEndpoints: every flow goes to the auth host of the
// account's region: the code's or refresh token's prefix, the partner
// token's region, AuthOptions.Region or Config.Region.
func TestOAuthUsesTheRegionsEndpoints(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "refresh_token": "rt", "expires_in": 60, "token_type": "Bearer"})
	})
	auth := map[Region]AuthEndpoints{}
	for _, r := range Regions {
		auth[r] = AuthEndpoints{Authorize: srv.URL + "/" + string(r) + "/authorize", Token: srv.URL + "/" + string(r) + "/token"}
	}
	for _, region := range []Region{"", RegionEU, RegionCN} {
		a := NewOAuth(Config{ClientID: "cid", ClientSecret: "s", AuthURLs: auth, Region: region})
		def := region
		if def == "" {
			def = RegionNA
		}
		for _, tc := range []struct {
			name string
			call func() error
			want string
		}{
			{"exchange NA_", func() error { _, err := a.Exchange(t.Context(), "NA_c", ""); return err }, "/NA/token"},
			{"exchange EU_", func() error { _, err := a.Exchange(t.Context(), "EU_c", ""); return err }, "/EU/token"},
			{"exchange CN_", func() error { _, err := a.Exchange(t.Context(), "CN_c", ""); return err }, "/CN/token"},
			{"exchange unprefixed", func() error { _, err := a.Exchange(t.Context(), "c", ""); return err }, "/" + string(def) + "/token"},
			{"refresh cn_", func() error { _, err := a.Refresh(t.Context(), "cn_rt"); return err }, "/CN/token"},
			{"refresh EU_", func() error { _, err := a.Refresh(t.Context(), "EU_rt"); return err }, "/EU/token"},
			{"refresh unprefixed", func() error { _, err := a.Refresh(t.Context(), "rt"); return err }, "/" + string(def) + "/token"},
			{"partner NA", func() error { _, err := a.PartnerToken(t.Context(), RegionNA); return err }, "/NA/token"},
			{"partner CN", func() error { _, err := a.PartnerToken(t.Context(), RegionCN); return err }, "/CN/token"},
		} {
			if err := tc.call(); err != nil {
				t.Fatalf("region %q %s: %v", region, tc.name, err)
			}
			reqs := srv.requests()
			if got := reqs[len(reqs)-1].Path; got != tc.want {
				t.Errorf("region %q %s: POST %s, want %s", region, tc.name, got, tc.want)
			}
		}
		for opt, want := range map[Region]string{"": "/" + string(def) + "/authorize", RegionCN: "/CN/authorize", RegionEU: "/EU/authorize"} {
			raw, _ := a.AuthCodeURL("st", AuthOptions{Region: opt})
			u, err := url.Parse(raw)
			if err != nil || u.Path != want {
				t.Errorf("region %q AuthCodeURL(Region %q) = %s, want path %s", region, opt, raw, want)
			}
		}
		if a.Endpoints("XX") != auth[def] {
			t.Errorf("region %q: unknown region's endpoints %+v", region, a.Endpoints("XX"))
		}
	}
}
