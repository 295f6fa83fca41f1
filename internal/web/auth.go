package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/netip"
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

// SessionAuth knows the web UI's signed-in browsers: Authenticated
// reports whether the request carries a live session (and, for a request
// that changes something, its CSRF token), so the UI's scripts use the API
// with their cookie instead of a bearer token.
type SessionAuth interface {
	Authenticated(r *http.Request) bool
}

// Gate checks credentials for every surface (REST, WebSocket, the UI's
// sign-in) and limits failed attempts per client address: an address with
// too many failures in a window is refused (429, even with a good token)
// until the window ends. Home Assistant bans such addresses; a window that
// expires keeps a mistyped token from locking a user out for good.
type Gate struct {
	tokens  [][]byte
	store   TokenValidator
	limit   int
	window  time.Duration
	now     func() time.Time
	proxies []netip.Prefix

	mu       sync.Mutex
	failures map[string]*failures
}

type failures struct {
	start time.Time
	n     int
}

// GateOptions configure a Gate.
type GateOptions struct {
	// Tokens are the configured API tokens; none may be empty, and with
	// none, Store must be set.
	Tokens []string
	// Store, when set, also accepts the long-lived tokens it knows.
	Store    TokenValidator
	Failures int           // failed attempts per address and window before 429 (default 10)
	Window   time.Duration // default one minute
	Now      func() time.Time
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (see ClientAddr).
	TrustedProxies []netip.Prefix
}

// NewGate returns a gate over the configured and stored tokens.
func NewGate(o GateOptions) (*Gate, error) {
	if len(o.Tokens) == 0 && o.Store == nil {
		return nil, errors.New("web: an API token is required")
	}
	tokens := make([][]byte, 0, len(o.Tokens))
	for _, t := range o.Tokens {
		if t == "" {
			return nil, errors.New("web: an API token is empty")
		}
		tokens = append(tokens, []byte(t))
	}
	if o.Failures <= 0 {
		o.Failures = 10
	}
	if o.Window <= 0 {
		o.Window = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Gate{tokens: tokens, store: o.Store, limit: o.Failures, window: o.Window, now: o.Now,
		proxies: o.TrustedProxies, failures: map[string]*failures{}}, nil
}

// Check reports whether secret is good by ok, counting a failure against
// the request's address; an address over its limit is refused without
// calling ok (blocked is then true).
func (a *Gate) Check(r *http.Request, ok func() bool) (good, blocked bool) {
	addr := a.ClientAddr(r)
	if a.blocked(addr) {
		return false, true
	}
	if !ok() {
		a.fail(addr)
		return false, false
	}
	return true, false
}

// Token reports whether tok is a configured token or one the store knows
// (it counts no failure; use Check for that).
func (a *Gate) Token(ctx context.Context, tok string) bool { return a.valid(ctx, tok) }

// wrap refuses /api/ requests without a known bearer token (or a signed-in
// browser's session), with Home Assistant's plain "401: Unauthorized".
func (a *Gate) wrap(next http.Handler, sessions SessionAuth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The WebSocket API authenticates inside its protocol.
		if !strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != "/api" && r.URL.Path != "/metrics" || r.URL.Path == "/api/websocket" {
			next.ServeHTTP(w, r)
			return
		}
		addr := a.ClientAddr(r)
		if a.blocked(addr) {
			message(w, http.StatusTooManyRequests, "Too many failed authentications")
			return
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok && sessions != nil && r.Header.Get("Authorization") == "" && sessions.Authenticated(r) {
			next.ServeHTTP(w, r)
			return
		}
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
func (a *Gate) valid(ctx context.Context, tok string) bool {
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

func (a *Gate) blocked(addr string) bool {
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

func (a *Gate) fail(addr string) {
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

// ClientAddr is the request's client: its peer's address, or — when the
// peer is a trusted proxy — the nearest address in X-Forwarded-For that is
// not a trusted proxy (each proxy appends the address it saw, so the
// entries left of an untrusted one may be forged and are not read). With
// no trusted proxies, forwarded headers are ignored.
func (a *Gate) ClientAddr(r *http.Request) string {
	peer := peerAddr(r)
	if !a.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if _, err := netip.ParseAddr(hop); err != nil {
			return peer // a malformed chain: fall back to the proxy
		}
		if !a.trusted(hop) {
			return hop
		}
	}
	return peer
}

// ViaTrustedProxy reports whether the request came through a trusted
// proxy, whose X-Forwarded-Proto may then be believed.
func (a *Gate) ViaTrustedProxy(r *http.Request) bool { return a.trusted(peerAddr(r)) }

func (a *Gate) trusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range a.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// peerAddr is the request's peer address without its port.
func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
