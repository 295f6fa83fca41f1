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
