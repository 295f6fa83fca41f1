package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestTokenManagerRefreshesAheadOfExpiry(t *testing.T) {
	ts := newTokenServer(t)
	store := &memStore{MemoryTokenStore: MemoryTokenStore{Token: &oauth2.Token{AccessToken: fakeJWT(map[string]any{"sub": "u1"}), RefreshToken: "NA_rt-0", Expiry: time.Now().Add(10 * time.Second)}}}
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
	store := &memStore{MemoryTokenStore: MemoryTokenStore{Token: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}}, saveErr: errors.New("disk full")}
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
	store := &memStore{MemoryTokenStore: MemoryTokenStore{Token: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}}}
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
	store := &memStore{MemoryTokenStore: MemoryTokenStore{Token: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}}}
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
	store := &memStore{MemoryTokenStore: MemoryTokenStore{Token: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}}}
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
	store := &memStore{MemoryTokenStore: MemoryTokenStore{Token: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(time.Hour)}}}
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
	m = NewOAuth(Config{}).TokenManager(&memStore{MemoryTokenStore: MemoryTokenStore{Token: &oauth2.Token{AccessToken: "a", Expiry: time.Now().Add(-time.Hour)}}})
	if _, err := m.Token(t.Context()); !errors.Is(err, ErrLoginRequired) {
		t.Errorf("expired without refresh token: %v", err)
	}
}

// TestTokenManagerRemembersLoginRequired: once the token endpoint says
// login_required, the refresh token is dead: further calls fail with
// ErrLoginRequired without any request (token endpoint or API) until a new
// login stores a new token, which is then used.
func TestTokenManagerRemembersLoginRequired(t *testing.T) {
	ts := newTokenServer(t) // accepts only NA_rt-0
	store := &memStore{MemoryTokenStore: MemoryTokenStore{Token: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-revoked", Expiry: time.Now().Add(-time.Minute)}}}
	m := testOAuth(ts).TokenManager(store)
	api := newRecorder(t, respond(200, `{"response":{"vin":"V"}}`))
	c := New(Config{BaseURLs: map[Region]string{RegionNA: api.URL}}, m)

	tokenRequests := func() int { return len(ts.requests()) }
	t.Run("the token endpoint says login_required", func(t *testing.T) {
		_, err := m.Token(t.Context())
		var ae *AuthError
		if !errors.Is(err, ErrLoginRequired) || !errors.As(err, &ae) || ae.Code != "login_required" {
			t.Fatalf("err = %v, want the token endpoint's login_required", err)
		}
		if n := tokenRequests(); n != 1 {
			t.Fatalf("token requests = %d, want 1", n)
		}
	})
	for _, tc := range []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Token", func(ctx context.Context) error { _, err := m.Token(ctx); return err }},
		{"Refresh", func(ctx context.Context) error { _, err := m.Refresh(ctx); return err }},
		{"an API call", func(ctx context.Context) error { _, err := c.Vehicle(ctx, "V"); return err }},
		{"after Invalidate", func(ctx context.Context) error { m.Invalidate("old"); _, err := m.Token(ctx); return err }},
	} {
		t.Run("then "+tc.name+" fails without the network", func(t *testing.T) {
			if err := tc.call(t.Context()); !errors.Is(err, ErrLoginRequired) {
				t.Fatalf("err = %v, want ErrLoginRequired", err)
			}
			if n := tokenRequests(); n != 1 {
				t.Errorf("token requests = %d, want still 1", n)
			}
			if n := len(api.requests()); n != 0 {
				t.Errorf("API requests = %d, want 0", n)
			}
		})
	}
	t.Run("a new login revives the account", func(t *testing.T) {
		// What a login does: exchange a code, store the new pair.
		if err := store.Save(t.Context(), &oauth2.Token{AccessToken: "new", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		tok, err := m.Token(t.Context())
		if err != nil || tok.AccessToken != "new" {
			t.Fatalf("Token = %+v, %v; want the new login's token", tok, err)
		}
		if _, err := c.Vehicle(t.Context(), "V"); err != nil {
			t.Fatalf("API call after the new login: %v", err)
		}
		if n := len(api.requests()); n != 1 {
			t.Errorf("API requests = %d, want 1", n)
		}
		// Its refresh token works again.
		if _, err := m.Refresh(t.Context()); err != nil || ts.rotationCount() != 1 {
			t.Errorf("Refresh = %v, rotations %d", err, ts.rotationCount())
		}
	})
}

// A failure other than login_required (here a 5xx) is not remembered: the
// next call asks the token endpoint again.
func TestTokenManagerDoesNotRememberOtherFailures(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(503)
		_, _ = w.Write([]byte(`{"error":"temporarily_unavailable"}`))
	})
	cfg := Config{ClientID: "cid", TokenURL: srv.URL, BaseURLs: map[Region]string{RegionNA: srv.URL}}
	store := &MemoryTokenStore{Token: &oauth2.Token{AccessToken: "old", RefreshToken: "NA_rt-0", Expiry: time.Now().Add(-time.Minute)}}
	m := NewOAuth(cfg).TokenManager(store)
	for i := range 2 {
		if _, err := m.Token(t.Context()); err == nil || errors.Is(err, ErrLoginRequired) {
			t.Fatalf("call %d: err = %v, want a server error", i, err)
		}
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
}
