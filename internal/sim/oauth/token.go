package oauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// tokenError is a token endpoint failure: Tesla's error code, a
// description and the status (400, or 401 for login_required).
type tokenError struct {
	status     int
	code, desc string
}

func (e *tokenError) Error() string { return "oauth: " + e.code + ": " + e.desc }

func badRequest(code, desc string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, code: code, desc: desc}
}

func loginRequired(desc string) *tokenError {
	return &tokenError{status: http.StatusUnauthorized, code: "login_required", desc: desc}
}

var errUnknownClient = badRequest("unauthorized_client", "We don't recognize this client_id and client_secret combination")

// client is the caller of the token endpoint.
type client struct {
	id, secret string
	hasSecret  bool
}

// handleToken serves POST /oauth2/v3/token (form-encoded only).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	tokens, err := s.token(w, r)
	if err != nil {
		var te *tokenError
		if !errors.As(err, &te) {
			te = &tokenError{status: http.StatusInternalServerError, code: "server_error", desc: "the token could not be issued"}
		}
		keys := []string{StatFailures}
		if te.code == "login_required" {
			keys = append(keys, StatLoginRequired)
		}
		s.count(keys...)
		writeJSON(w, te.status, errorBody{Error: te.code, Description: te.desc, URI: errorURIBase + te.code})
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tokens)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) (Tokens, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return Tokens{}, badRequest("invalid_request", "the body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		return Tokens{}, badRequest("invalid_request", "the form could not be read")
	}
	f := r.PostForm
	c := client{id: f.Get("client_id"), secret: f.Get("client_secret"), hasSecret: f.Has("client_secret")}
	if id, secret, ok := r.BasicAuth(); ok {
		// RFC 6749 §2.3.1: both parts are form-encoded inside Basic auth.
		c.id, _ = url.QueryUnescape(id)
		c.secret, _ = url.QueryUnescape(secret)
		c.hasSecret = true
	}
	switch gt := f.Get("grant_type"); gt {
	case "authorization_code":
		return s.exchangeCode(c, f)
	case "refresh_token":
		return s.exchangeRefresh(c, f)
	case "client_credentials":
		return s.partnerToken(c, f)
	case "":
		return Tokens{}, badRequest("invalid_request", "grant_type is required")
	default:
		return Tokens{}, badRequest("unsupported_grant_type", "grant_type "+gt+" is not supported")
	}
}

// authClient checks the client; a confidential app must present its
// secret when needSecret, and a wrong secret always fails.
func (s *Server) authClient(c client, needSecret bool) (App, error) {
	app, ok := s.App(c.id)
	if !ok || c.id == "" {
		return App{}, errUnknownClient
	}
	if app.Public {
		return app, nil
	}
	if (needSecret || c.hasSecret) && subtle.ConstantTimeCompare([]byte(c.secret), []byte(app.ClientSecret)) != 1 {
		return App{}, errUnknownClient
	}
	return app, nil
}

// exchangeCode is the authorization_code grant.
func (s *Server) exchangeCode(c client, f url.Values) (Tokens, error) {
	app, err := s.authClient(c, true)
	if err != nil {
		return Tokens{}, err
	}
	code := f.Get("code")
	if code == "" {
		return Tokens{}, badRequest("invalid_request", "code is required")
	}
	now := s.now()
	s.mu.Lock()
	ac, ok := s.codes[code]
	switch {
	case !ok || ac.clientID != app.ClientID:
		err = badRequest("invalid_auth_code", "The authorization code is invalid or has been used")
	case !now.Before(ac.expiresAt):
		delete(s.codes, code)
		err = badRequest("invalid_auth_code", "The authorization code has expired")
	case f.Get("redirect_uri") != ac.redirectURI:
		err = badRequest("invalid_redirect_url", "redirect_uri does not match the authorization request")
	case ac.challenge != "" && f.Get("code_verifier") == "":
		err = badRequest("invalid_request", "code_verifier is required")
	case ac.challenge != "" && !verifierMatches(f.Get("code_verifier"), ac.challenge):
		err = badRequest("invalid_auth_code", "code_verifier does not match the code_challenge")
	default:
		delete(s.codes, code) // single use
	}
	s.mu.Unlock()
	if err != nil {
		return Tokens{}, err
	}
	accountID, region, ok := s.lookup(ac.accountID)
	if !ok {
		return Tokens{}, badRequest("invalid_auth_code", "The account of this authorization code no longer exists")
	}
	g := &grant{accountID: accountID, clientID: app.ClientID, scopes: ac.scopes, authTime: ac.authTime}
	t, err := s.issueUser(g, region, slices.Contains(ac.scopes, "offline_access"), ac.nonce)
	if err != nil {
		return Tokens{}, err
	}
	t.State = ac.state
	s.count(StatAuthorizationCode)
	return t, nil
}

// verifierMatches checks a PKCE S256 verifier against its challenge.
func verifierMatches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(b64(sum[:])), []byte(challenge)) == 1
}

// issueUser signs a user access token, an id token with openid, and
// stores a first refresh token of a new grant when withRefresh.
func (s *Server) issueUser(g *grant, region string, withRefresh bool, nonce string) (Tokens, error) {
	now := s.now()
	access, err := s.sign(s.userClaims(g, region, now))
	if err != nil {
		return Tokens{}, err
	}
	t := Tokens{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(accessTTL / time.Second)}
	if slices.Contains(g.scopes, "openid") {
		if t.IDToken, err = s.sign(s.idClaims(g, nonce, now)); err != nil {
			return Tokens{}, err
		}
	}
	if withRefresh {
		s.mu.Lock()
		t.RefreshToken = s.newRefreshLocked(g, 1, region, now)
		s.mu.Unlock()
	}
	return t, nil
}

func (s *Server) idClaims(g *grant, nonce string, now time.Time) idClaims {
	return idClaims{
		Iss: s.issuer, Sub: g.accountID, Aud: g.clientID, Azp: g.clientID,
		Exp: now.Add(accessTTL).Unix(), Iat: now.Unix(), AuthTime: g.authTime.Unix(),
		Amr: []string{"pwd", "mfa"}, Nonce: nonce,
	}
}

// partnerToken is the client_credentials grant: a token for the app itself.
func (s *Server) partnerToken(c client, f url.Values) (Tokens, error) {
	app, err := s.authClient(c, true)
	if err != nil {
		return Tokens{}, err
	}
	if app.Public {
		return Tokens{}, badRequest("unauthorized_client", "public clients cannot obtain partner tokens")
	}
	requested := strings.Fields(f.Get("scope"))
	if len(requested) == 0 {
		requested = app.Scopes
	}
	var scopes []string
	for _, sc := range requested {
		if !slices.Contains(app.Scopes, sc) {
			return Tokens{}, badRequest("invalid_scope", "scope "+sc+" is not enabled for this client")
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	now := s.now()
	access, err := s.sign(accessClaims{
		Iss: s.issuer, Azp: app.ClientID, Sub: app.ClientID, Aud: s.audience(),
		Scp: scopes, Exp: now.Add(accessTTL).Unix(), Iat: now.Unix(),
		Gty: partnerGrant, Jti: randomHex(8),
	})
	if err != nil {
		return Tokens{}, err
	}
	s.count(StatClientCredentials)
	return Tokens{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(accessTTL / time.Second)}, nil
}
