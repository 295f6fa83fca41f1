package fleet

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// TokenSource gives the access token for a request. *TokenManager and
// StaticToken implement it.
type TokenSource interface {
	Token(ctx context.Context) (*oauth2.Token, error)
}

// tokenInvalidator is implemented by sources that can refresh after the API
// rejected a token (401).
type tokenInvalidator interface {
	Invalidate(accessToken string)
}

// TokenStore persists one account's token pair. Save must be durable before
// it returns: Tesla's refresh tokens are single use.
type TokenStore interface {
	Load(ctx context.Context) (*oauth2.Token, error)
	Save(ctx context.Context, tok *oauth2.Token) error
}

// StaticToken is a TokenSource that always gives the same access token.
func StaticToken(accessToken string) TokenSource {
	return staticToken{&oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"}}
}

type staticToken struct{ tok *oauth2.Token }

func (s staticToken) Token(context.Context) (*oauth2.Token, error) { return s.tok, nil }

// RefreshSkew is how long before expiry a token is refreshed (as Home
// Assistant: 20 s).
const RefreshSkew = 20 * time.Second

// refreshTimeout bounds one refresh, which runs to completion even when the
// caller that started it gives up (the rotated token must be saved).
const refreshTimeout = 60 * time.Second

// TokenManager is the TokenSource of one account: it loads the token from a
// TokenStore, refreshes it shortly before expiry (one refresh at a time;
// concurrent callers share it), and saves the rotated pair BEFORE using it —
// if Save fails, the refresh fails and the new token is not used.
//
// When the token endpoint answers login_required (ErrLoginRequired: the
// refresh token is dead), the manager remembers it: later calls fail at once
// with the same error, without a request, until a new login stores a new
// token in the TokenStore (each call looks there; the store is local).
type TokenManager struct {
	oauth *OAuth
	store TokenStore

	mu     sync.Mutex
	cur    *oauth2.Token
	stale  bool  // the API rejected cur
	dead   error // the token endpoint said login_required for cur
	flight *refreshCall
}

type refreshCall struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// TokenManager returns the token source of the account whose token is in store.
func (a *OAuth) TokenManager(store TokenStore) *TokenManager {
	return &TokenManager{oauth: a, store: store}
}

// Token returns a valid access token, refreshing it when it expires within
// RefreshSkew or the API rejected it.
func (m *TokenManager) Token(ctx context.Context) (*oauth2.Token, error) {
	m.mu.Lock()
	if m.dead != nil && !m.revive(ctx) {
		err := m.dead
		m.mu.Unlock()
		return nil, err
	}
	if m.cur == nil {
		tok, err := m.store.Load(ctx)
		if err != nil {
			m.mu.Unlock()
			return nil, fmt.Errorf("%w: load: %w", ErrTokenStore, err)
		}
		if tok == nil || (tok.AccessToken == "" && tok.RefreshToken == "") {
			m.mu.Unlock()
			return nil, ErrNoToken
		}
		m.cur = tok
	}
	if m.flight == nil && !m.stale && m.cur.AccessToken != "" && m.fresh(m.cur) {
		tok := m.cur
		m.mu.Unlock()
		return tok, nil
	}
	call := m.startLocked(ctx)
	m.mu.Unlock()
	return call.wait(ctx)
}

// Refresh forces a refresh (joining one in flight) and returns the new token.
func (m *TokenManager) Refresh(ctx context.Context) (*oauth2.Token, error) {
	if _, err := m.Token(ctx); err != nil { // loads the token; may refresh already
		return nil, err
	}
	m.mu.Lock()
	call := m.startLocked(ctx)
	m.mu.Unlock()
	return call.wait(ctx)
}

// Invalidate marks accessToken as rejected: the next Token call refreshes,
// unless the token has been replaced meanwhile.
func (m *TokenManager) Invalidate(accessToken string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur != nil && m.cur.AccessToken == accessToken {
		m.stale = true
	}
}

// revive looks in the store for a token stored by a new login since cur
// died, and makes it current. m.mu is held.
func (m *TokenManager) revive(ctx context.Context) bool {
	tok, err := m.store.Load(ctx)
	if err != nil || tok == nil || (tok.AccessToken == "" && tok.RefreshToken == "") {
		return false
	}
	if m.cur != nil && tok.AccessToken == m.cur.AccessToken && tok.RefreshToken == m.cur.RefreshToken {
		return false // still the dead token
	}
	m.cur, m.stale, m.dead = tok, false, nil
	return true
}

func (m *TokenManager) fresh(tok *oauth2.Token) bool {
	exp := tok.Expiry
	if exp.IsZero() {
		if cl, err := ParseClaims(tok.AccessToken); err == nil {
			exp = cl.ExpiresAt
		}
	}
	return exp.IsZero() || exp.After(m.oauth.cfg.Now().Add(RefreshSkew))
}

// startLocked starts a refresh unless one is in flight. m.mu is held.
func (m *TokenManager) startLocked(ctx context.Context) *refreshCall {
	if m.flight != nil {
		return m.flight
	}
	call := &refreshCall{done: make(chan struct{})}
	m.flight = call
	refresh := m.cur.RefreshToken
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	go func() {
		defer cancel()
		tok, err := m.oauth.Refresh(rctx, refresh)
		if err == nil {
			if serr := m.store.Save(rctx, tok); serr != nil {
				tok, err = nil, fmt.Errorf("%w: save the rotated token (not used): %w", ErrTokenStore, serr)
			}
		}
		m.mu.Lock()
		switch {
		case err == nil:
			m.cur, m.stale = tok, false
		case errors.Is(err, ErrLoginRequired) && m.cur != nil && m.cur.RefreshToken == refresh:
			m.dead = err
		}
		m.flight = nil
		m.mu.Unlock()
		call.tok, call.err = tok, err
		close(call.done)
	}()
	return call
}

func (c *refreshCall) wait(ctx context.Context) (*oauth2.Token, error) {
	select {
	case <-c.done:
		return c.tok, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// MemoryTokenStore is a TokenStore in memory, for one process's lifetime (a
// demo, a test); the store issue gives accounts durable storage. Its zero
// value holds no token; set Token before first use to start with one.
type MemoryTokenStore struct {
	mu    sync.Mutex
	Token *oauth2.Token
}

var _ TokenStore = (*MemoryTokenStore)(nil)

// Load returns a copy of the stored token (nil when there is none).
func (s *MemoryTokenStore) Load(context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Token == nil {
		return nil, nil
	}
	t := *s.Token
	return &t, nil
}

// Save keeps a copy of tok.
func (s *MemoryTokenStore) Save(_ context.Context, tok *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := *tok
	s.Token = &t
	return nil
}
