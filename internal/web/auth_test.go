package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// tokenSet is a TokenValidator of known tokens.
type tokenSet struct {
	mu sync.Mutex
	m  map[string]bool
}

func (s *tokenSet) Valid(_ context.Context, tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[tok]
}

func (s *tokenSet) revoke(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, tok)
}

// Configured and stored tokens both work; a revoked stored token is 401;
// repeated failures from one address are refused with 429 until the window
// ends, without affecting other addresses.
func TestAuth(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	stored := &tokenSet{m: map[string]bool{"stored-token": true}}
	h, err := New(Options{Registry: entity.New(entity.Options{}), Tokens: []string{token}, Store: stored, AuthFailures: 3, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	req := func(addr, tok string) (int, string) {
		r := httptest.NewRequest("GET", "/api/", nil)
		r.RemoteAddr = addr + ":40000"
		if tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code, rec.Body.String()
	}
	steps := []struct {
		name, addr, tok string
		revoke          bool
		advance         time.Duration
		status          int
		body            string
	}{
		{name: "configured token", addr: "10.0.0.1", tok: token, status: 200, body: `{"message":"API running."}`},
		{name: "stored token", addr: "10.0.0.1", tok: "stored-token", status: 200, body: `{"message":"API running."}`},
		{name: "revoked token", addr: "10.0.0.1", tok: "stored-token", revoke: true, status: 401, body: "401: Unauthorized"},
		{name: "second failure", addr: "10.0.0.1", tok: "nope", status: 401, body: "401: Unauthorized"},
		{name: "third failure", addr: "10.0.0.1", status: 401, body: "401: Unauthorized"},
		{name: "limited", addr: "10.0.0.1", tok: "nope", status: 429, body: `{"message":"Too many failed authentications"}`},
		{name: "limited even with a good token", addr: "10.0.0.1", tok: token, status: 429, body: `{"message":"Too many failed authentications"}`},
		{name: "other address unaffected", addr: "10.0.0.2", tok: token, status: 200, body: `{"message":"API running."}`},
		{name: "other address fails on its own", addr: "10.0.0.2", tok: "nope", status: 401, body: "401: Unauthorized"},
		{name: "window over", addr: "10.0.0.1", tok: token, advance: time.Minute, status: 200, body: `{"message":"API running."}`},
	}
	for _, s := range steps {
		if s.revoke {
			stored.revoke(s.tok)
		}
		mu.Lock()
		now = now.Add(s.advance)
		mu.Unlock()
		status, body := req(s.addr, s.tok)
		if status != s.status || body != s.body {
			t.Errorf("%s: %d %s, want %d %s", s.name, status, body, s.status, s.body)
		}
	}
}

// Without configured tokens a token store suffices; with neither, New
// refuses.
func TestNewTokens(t *testing.T) {
	reg := entity.New(entity.Options{})
	if _, err := New(Options{Registry: reg}); err == nil {
		t.Error("no tokens: want an error")
	}
	if _, err := New(Options{Registry: reg, Tokens: []string{""}}); err == nil {
		t.Error("an empty token: want an error")
	}
	h, err := New(Options{Registry: reg, Store: &tokenSet{m: map[string]bool{"x": true}}})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/api/", nil)
	r.Header.Set("Authorization", "Bearer x")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		t.Errorf("stored token: %d", rec.Code)
	}
}
