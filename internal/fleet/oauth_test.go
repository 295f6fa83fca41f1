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
	"time"

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

// memStore is a TokenStore in memory; saveErr makes Save fail.
type memStore struct {
	mu      sync.Mutex
	tok     *oauth2.Token
	saves   []string // refresh tokens saved, in order
	saveErr error
	onSave  func()
}

func (s *memStore) Load(context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == nil {
		return nil, nil
	}
	cp := *s.tok
	return &cp, nil
}

func (s *memStore) Save(_ context.Context, tok *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onSave != nil {
		s.onSave()
	}
	if s.saveErr != nil {
		return s.saveErr
	}
	cp := *tok
	s.tok = &cp
	s.saves = append(s.saves, tok.RefreshToken)
	return nil
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

func TestTokenManagerRefreshesAheadOfExpiry(t *testing.T) {
	ts := newTokenServer(t)
	store := &memStore{tok: &oauth2.Token{AccessToken: fakeJWT(map[string]any{"sub": "u1"}), RefreshToken: "NA_rt-0", Expiry: time.Now().Add(10 * time.Second)}}
	m := testOAuth(ts).TokenManager(store)
	tok, err := m.Token(t.Context()) // expires within 20 s → refresh
	if err != nil || tok.RefreshToken != "NA_rt-1" {
		t.Fatalf("Token = %+v, %v", tok, err)
	}
	if len(store.saves) != 1 || store.saves[0] != "NA_rt-1" {
		t.Errorf("saves %v", store.saves)
	}
	again, _ := m.Token(t.Context())
	if again.AccessToken != tok.AccessToken || ts.rotationCount() != 1 {
		t.Errorf("a fresh token was refreshed again")
	}
	// The old refresh token is dead at the fake server: a forced refresh uses the new one.
	if _, err := m.Refresh(t.Context()); err != nil || ts.rotationCount() != 2 {
		t.Errorf("Refresh: %v, rotations %d", err, ts.rotationCount())
	}
	if f := ts.forms[len(ts.forms)-1]; f.Get("refresh_token") != "NA_rt-1" || f.Get("client_id") != "cid" {
		t.Errorf("refresh form %v", f)
	}
}

// TestTokenManagerSaveFailure: the rotated token is not used when it could
// not be saved, so no API request is made with it.
func TestTokenManagerSaveFailure(t *testing.T) {
	ts := newTokenServer(t)
	store := &memStore{tok: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}, saveErr: errors.New("disk full")}
	m := testOAuth(ts).TokenManager(store)
	api := newRecorder(t, respond(200, `{"response":{"vin":"V"}}`))
	c := New(Config{BaseURLs: map[Region]string{RegionNA: api.URL}}, m)
	_, err := c.Vehicle(t.Context(), "V")
	if !errors.Is(err, ErrTokenStore) {
		t.Fatalf("err = %v, want ErrTokenStore", err)
	}
	if len(api.requests()) != 0 {
		t.Errorf("the API was called %d times with an unsaved token", len(api.requests()))
	}
	if ts.rotationCount() != 1 {
		t.Errorf("rotations %d", ts.rotationCount())
	}
}

// TestTokenManagerSaveBeforeUse: Save completes before the API sees the token.
func TestTokenManagerSaveBeforeUse(t *testing.T) {
	ts := newTokenServer(t)
	var order []string
	var mu sync.Mutex
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	store := &memStore{tok: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}}
	store.onSave = func() { note("save") }
	api := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		note("api")
		respond(200, `{"response":{"vin":"V"}}`)(w, r)
	})
	c := New(Config{BaseURLs: map[Region]string{RegionNA: api.URL}}, testOAuth(ts).TokenManager(store))
	if _, err := c.Vehicle(t.Context(), "V"); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(order) != "[save api]" {
		t.Errorf("order %v", order)
	}
}

// TestTokenManagerSingleFlight: concurrent callers share one refresh.
func TestTokenManagerSingleFlight(t *testing.T) {
	ts := newTokenServer(t)
	ts.gate, ts.arrived = make(chan struct{}), make(chan struct{}, 1)
	store := &memStore{tok: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}}
	m := testOAuth(ts).TokenManager(store)
	const n = 8
	var wg sync.WaitGroup
	toks := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := m.Token(t.Context())
			errs[i] = err
			if tok != nil {
				toks[i] = tok.AccessToken
			}
		}()
	}
	<-ts.arrived // one refresh is in flight; the others join it or find the new token
	close(ts.gate)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || toks[i] != toks[0] {
			t.Errorf("caller %d: %v %q", i, errs[i], toks[i])
		}
	}
	if ts.rotationCount() != 1 || len(store.saves) != 1 {
		t.Errorf("rotations %d, saves %d: want exactly one refresh", ts.rotationCount(), len(store.saves))
	}
}

// TestTokenManagerRefreshOutlivesCaller: a caller that gives up does not
// abort the refresh, whose token must still be saved.
func TestTokenManagerRefreshOutlivesCaller(t *testing.T) {
	ts := newTokenServer(t)
	ts.gate, ts.arrived = make(chan struct{}), make(chan struct{}, 1)
	saved := make(chan struct{})
	store := &memStore{tok: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}}
	store.onSave = func() { close(saved) }
	m := testOAuth(ts).TokenManager(store)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { _, err := m.Token(ctx); done <- err }()
	<-ts.arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	close(ts.gate)
	<-saved
	tok, err := m.Token(t.Context())
	if err != nil || tok.RefreshToken != "NA_rt-1" || ts.rotationCount() != 1 {
		t.Errorf("after the abandoned refresh: %+v %v, rotations %d", tok, err, ts.rotationCount())
	}
}

// TestReauthOn401: a 401 from the API refreshes once and resends.
func TestReauthOn401(t *testing.T) {
	ts := newTokenServer(t)
	store := &memStore{tok: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(time.Hour)}}
	api := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer old" {
			respond(401, `{"error":"token expired (401)"}`)(w, r)
			return
		}
		respond(200, `{"response":{"result":true,"reason":""}}`)(w, r)
	})
	c := New(Config{BaseURLs: map[Region]string{RegionNA: api.URL}}, testOAuth(ts).TokenManager(store))
	res, err := c.DoorLock(t.Context(), "V")
	if err != nil || !res.Result || len(api.requests()) != 2 || ts.rotationCount() != 1 {
		t.Errorf("DoorLock = %v, %v; %d requests, %d rotations", res, err, len(api.requests()), ts.rotationCount())
	}
	// A token the server keeps rejecting is reported, after one refresh.
	api2 := newRecorder(t, respond(401, ``))
	c2 := New(Config{BaseURLs: map[Region]string{RegionNA: api2.URL}}, testOAuth(ts).TokenManager(store))
	if _, err := c2.Vehicle(t.Context(), "V"); !errors.Is(err, ErrTokenExpired) || len(api2.requests()) != 2 {
		t.Errorf("err = %v after %d requests", err, len(api2.requests()))
	}
}

func TestTokenManagerEmptyStore(t *testing.T) {
	m := NewOAuth(Config{}).TokenManager(&memStore{})
	if _, err := m.Token(t.Context()); !errors.Is(err, ErrNoToken) {
		t.Errorf("err = %v", err)
	}
	m = NewOAuth(Config{}).TokenManager(&memStore{tok: &oauth2.Token{AccessToken: "a", Expiry: time.Now().Add(-time.Hour)}})
	if _, err := m.Token(t.Context()); !errors.Is(err, ErrLoginRequired) {
		t.Errorf("expired without refresh token: %v", err)
	}
}

func TestParseClaims(t *testing.T) {
	tok := fakeJWT(map[string]any{
		"iss": "https://auth.tesla.com/oauth2/v3/nts", "azp": "cid", "sub": "user-uuid",
		"aud": []string{"https://fleet-api.prd.na.vn.cloud.tesla.com", "https://auth.tesla.com/oauth2/v3/userinfo"},
		"scp": []string{"openid", "vehicle_device_data", "vehicle_cmds"}, "exp": 1716670965, "iat": 1716642165,
		"ou_code": "NA", "locale": "ko-KR",
	})
	cl, err := ParseClaims(tok)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := cl.Region()
	if cl.Subject != "user-uuid" || cl.AuthorizedParty != "cid" || len(cl.Audience) != 2 || r != RegionNA || !ok ||
		!cl.HasScope("vehicle_cmds") || cl.HasScope("energy_cmds") || cl.ExpiresAt.Unix() != 1716670965 || cl.IssuedAt.Unix() != 1716642165 {
		t.Errorf("claims %+v", cl)
	}
	cl, err = ParseClaims(fakeJWT(map[string]any{"scp": "openid energy_cmds", "aud": "https://x", "ou_code": "xx"}))
	if err != nil || !cl.HasScope("energy_cmds") || len(cl.Audience) != 1 {
		t.Errorf("string scp/aud: %+v %v", cl, err)
	}
	if _, ok := cl.Region(); ok {
		t.Error("unknown ou_code gave a region")
	}
	for _, bad := range []string{"", "abc", "a.!!!.c", "a." + "bm90IGpzb24" + ".c"} {
		if _, err := ParseClaims(bad); !errors.Is(err, ErrDecode) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}
