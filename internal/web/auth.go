package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// TokenValidator knows long-lived API tokens kept elsewhere (the store
// keeps their hashes). Valid must be safe for concurrent use.
type TokenValidator interface {
	Valid(ctx context.Context, token string) bool
}

// maxTracked bounds the addresses the limiter remembers; past it, expired
// entries are swept.
const maxTracked = 4096

// authenticator checks bearer tokens and limits failed attempts per client
// address: an address with too many failures in a window is refused (429,
// even with a good token) until the window ends. Home Assistant bans such
// addresses; a window that expires keeps a mistyped token from locking a
// user out for good.
type authenticator struct {
	tokens [][]byte
	store  TokenValidator
	limit  int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string]*failures
}

type failures struct {
	start time.Time
	n     int
}

func newAuthenticator(tokens [][]byte, store TokenValidator, limit int, window time.Duration, now func() time.Time) *authenticator {
	return &authenticator{tokens: tokens, store: store, limit: limit, window: window, now: now, failures: map[string]*failures{}}
}

// wrap refuses /api/ requests without a known bearer token, with Home
// Assistant's plain "401: Unauthorized".
func (a *authenticator) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The WebSocket API authenticates inside its protocol.
		if !strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != "/api" && r.URL.Path != "/metrics" || r.URL.Path == "/api/websocket" {
			next.ServeHTTP(w, r)
			return
		}
		addr := clientAddr(r)
		if a.blocked(addr) {
			message(w, http.StatusTooManyRequests, "Too many failed authentications")
			return
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !a.valid(r.Context(), tok) {
			a.fail(addr)
			plain(w, http.StatusUnauthorized, "401: Unauthorized")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// valid reports whether tok is a configured token (in constant time per
// token) or one the store knows.
func (a *authenticator) valid(ctx context.Context, tok string) bool {
	if tok == "" {
		return false
	}
	found := 0
	for _, t := range a.tokens {
		found |= subtle.ConstantTimeCompare([]byte(tok), t)
	}
	if found == 1 {
		return true
	}
	return a.store != nil && a.store.Valid(ctx, tok)
}

func (a *authenticator) blocked(addr string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	f, ok := a.failures[addr]
	if !ok {
		return false
	}
	if a.now().Sub(f.start) >= a.window {
		delete(a.failures, addr)
		return false
	}
	return f.n >= a.limit
}

func (a *authenticator) fail(addr string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	f, ok := a.failures[addr]
	if !ok || now.Sub(f.start) >= a.window {
		if len(a.failures) >= maxTracked {
			for k, v := range a.failures {
				if now.Sub(v.start) >= a.window {
					delete(a.failures, k)
				}
			}
		}
		f = &failures{start: now}
		a.failures[addr] = f
	}
	f.n++
}

// clientAddr is the request's peer address without its port. Forwarded
// headers are not trusted: behind a proxy, every client shares its address.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
