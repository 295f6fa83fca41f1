package oauth

import (
	"net/url"
	"slices"
	"time"
)

// Refresh tokens follow Tesla's rules:
//
//   - a refresh token is single use: using it returns a new access token
//     and a new refresh token, which the client must store;
//   - the most recently used refresh token of a grant stays valid for 24 h
//     after its first use (for clients that failed to store the new one);
//     each use within that window returns another fresh pair;
//   - once a newer token of the grant has been used, every older token,
//     used or not, is dead;
//   - every refresh token expires 3 months after it was issued;
//   - a dead token is answered with 401 {"error":"login_required"}.
//
// A grant is the chain of tokens descending from one authorization (or
// Mint); tokens carry a generation number within it.

// grant is what a user authorised: it is kept by its refresh tokens.
type grant struct {
	accountID string
	clientID  string
	scopes    []string
	authTime  time.Time
	lastUsed  string // the refresh token used most recently
	lastGen   int    // its generation; 0 before any use
}

type refreshEntry struct {
	grant     *grant
	gen       int
	expiresAt time.Time
	usedAt    time.Time // first use; zero while unused
}

// dead reports whether the entry can never be used again.
func (e *refreshEntry) dead(token string, now time.Time) bool {
	switch {
	case !now.Before(e.expiresAt):
		return true
	case e.usedAt.IsZero():
		return e.gen <= e.grant.lastGen
	default:
		return e.grant.lastUsed != token || !now.Before(e.usedAt.Add(graceTTL))
	}
}

// newRefreshLocked stores a new refresh token of generation gen.
func (s *Server) newRefreshLocked(g *grant, gen int, region string, now time.Time) string {
	token := region + "_" + randomHex(32)
	s.refresh[token] = &refreshEntry{grant: g, gen: gen, expiresAt: now.AddDate(0, refreshTTL, 0)}
	s.sweepLocked(now)
	return token
}

// exchangeRefresh is the refresh_token grant. The client secret is
// optional (Tesla's example omits it) but checked when sent.
func (s *Server) exchangeRefresh(c client, f url.Values) (Tokens, error) {
	app, err := s.authClient(c, false)
	if err != nil {
		return Tokens{}, err
	}
	token := f.Get("refresh_token")
	if token == "" {
		return Tokens{}, badRequest("invalid_request", "refresh_token is required")
	}
	// Find the account first and resolve it without holding the lock, so
	// that the token carries the account's current region.
	s.mu.Lock()
	e, ok := s.refresh[token]
	var accountRef string
	if ok {
		accountRef = e.grant.accountID
	}
	s.mu.Unlock()
	if !ok {
		return Tokens{}, loginRequired("The refresh_token is invalid")
	}
	accountID, region, ok := s.lookup(accountRef)
	if !ok {
		return Tokens{}, loginRequired("The account of this refresh_token no longer exists")
	}

	now := s.now()
	s.mu.Lock()
	g, next, err := s.rotateLocked(token, app.ClientID, region, now)
	s.mu.Unlock()
	if err != nil {
		return Tokens{}, err
	}
	g = &grant{accountID: accountID, clientID: g.clientID, scopes: slices.Clone(g.scopes), authTime: g.authTime}
	t, err := s.issueUser(g, region, false, "")
	if err != nil {
		return Tokens{}, err
	}
	t.RefreshToken = next
	s.count(StatRefreshToken, StatRefreshes)
	return t, nil
}

// rotateLocked uses token and returns its grant and the next token.
func (s *Server) rotateLocked(token, clientID, region string, now time.Time) (*grant, string, error) {
	e, ok := s.refresh[token]
	switch {
	case !ok:
		return nil, "", loginRequired("The refresh_token is invalid")
	case e.grant.clientID != clientID:
		return nil, "", loginRequired("The refresh_token was issued to another client")
	case e.dead(token, now):
		delete(s.refresh, token)
		if !now.Before(e.expiresAt) {
			return nil, "", loginRequired("The refresh_token has expired")
		}
		return nil, "", loginRequired("The refresh_token has been used or cycled out by a newer one")
	}
	g := e.grant
	if e.usedAt.IsZero() { // the previous last-used token is dead now; the sweep drops it
		e.usedAt = now
		g.lastUsed, g.lastGen = token, e.gen
	}
	return g, s.newRefreshLocked(g, e.gen+1, region, now), nil
}
