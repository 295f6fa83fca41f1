package oauth

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

//go:embed consent.html
var pagesHTML string

func parsePages() (*template.Template, error) {
	return template.New("pages").Parse(pagesHTML)
}

// carried are the authorize parameters the consent form carries as
// hidden fields from the GET to the POST.
var carried = []string{
	"response_type", "client_id", "redirect_uri", "scope", "state",
	"code_challenge", "code_challenge_method", "nonce", "locale", "prompt",
	"prompt_missing_scopes", "require_requested_scopes", "show_keypair_step",
}

const defaultAccount = "owner@example.com"

var localePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// authRequest is a validated authorize request.
type authRequest struct {
	app         App
	redirectURI string
	state       string
	scopes      []string // requested ∩ app scopes, in request order
	challenge   string   // PKCE S256 challenge, "" without PKCE
	nonce       string
	requireAll  bool
	locale      string
	hidden      url.Values
}

// authError is an authorize failure. Until client_id and redirect_uri are
// trusted it is shown as a page (never redirected); after, it goes back to
// the client as ?error=…&state=….
type authError struct {
	code, desc string
	redirect   bool
}

// authCode is an issued authorization code.
type authCode struct {
	clientID    string
	redirectURI string
	scopes      []string
	challenge   string
	accountID   string
	nonce       string
	state       string
	authTime    time.Time
	expiresAt   time.Time
}

func (s *Server) parseAuthorize(v url.Values) (*authRequest, *authError) {
	app, ok := s.App(v.Get("client_id"))
	if !ok {
		return nil, &authError{code: "unauthorized_client", desc: "We don't recognize this client_id"}
	}
	req := &authRequest{app: app, redirectURI: v.Get("redirect_uri"), state: v.Get("state"), nonce: v.Get("nonce"), hidden: url.Values{}}
	if req.redirectURI == "" || !redirectAllowed(app, req.redirectURI) {
		return nil, &authError{code: "invalid_redirect_url", desc: "The redirect_uri is not registered for this client"}
	}
	for _, k := range carried {
		if val := v.Get(k); val != "" {
			req.hidden.Set(k, val)
		}
	}
	req.locale = "en-US"
	if l := v.Get("locale"); localePattern.MatchString(l) {
		req.locale = l
	}
	req.requireAll = v.Get("require_requested_scopes") == "true"
	fail := func(code, desc string) (*authRequest, *authError) {
		return req, &authError{code: code, desc: desc, redirect: true}
	}
	if v.Get("response_type") != "code" {
		return fail("unsupported_response_type", "response_type must be code")
	}
	if req.state == "" {
		return fail("invalid_request", "state is required")
	}
	requested := strings.Fields(v.Get("scope"))
	if len(requested) == 0 {
		return fail("invalid_request", "scope is required")
	}
	for _, sc := range requested {
		if !knownScope(sc) {
			return fail("invalid_scope", "unknown scope "+sc)
		}
		if slices.Contains(app.Scopes, sc) && !slices.Contains(req.scopes, sc) {
			req.scopes = append(req.scopes, sc)
		}
	}
	if len(req.scopes) == 0 {
		return fail("invalid_scope", "none of the requested scopes is enabled for this client")
	}
	challenge, method := v.Get("code_challenge"), v.Get("code_challenge_method")
	switch {
	case challenge == "" && method != "":
		return fail("invalid_request", "code_challenge_method without code_challenge")
	case challenge == "" && app.Public:
		return fail("invalid_request", "code_challenge is required for public clients")
	case challenge != "" && method != "S256":
		return fail("invalid_request", "code_challenge_method must be S256")
	case challenge != "" && !validChallenge(challenge):
		return fail("invalid_request", "code_challenge must be 43 base64url characters")
	}
	req.challenge = challenge
	return req, nil
}

func validChallenge(c string) bool {
	b, err := base64.RawURLEncoding.DecodeString(c)
	return err == nil && len(b) == 32
}

// handleAuthorizePage serves GET /oauth2/v3/authorize: the consent form.
func (s *Server) handleAuthorizePage(w http.ResponseWriter, r *http.Request) {
	req, aerr := s.parseAuthorize(r.URL.Query())
	if aerr != nil {
		s.authorizeFailed(w, r, req, aerr)
		return
	}
	s.renderConsent(w, http.StatusOK, req, defaultAccount, req.scopes, "")
}

// handleConsent serves POST /oauth2/v3/authorize: the submitted form.
func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, http.StatusBadRequest, &authError{code: "invalid_request", desc: "the form could not be read"})
		return
	}
	req, aerr := s.parseAuthorize(r.Form)
	if aerr != nil {
		s.authorizeFailed(w, r, req, aerr)
		return
	}
	if r.Form.Get("action") == "deny" {
		s.authorizeFailed(w, r, req, &authError{code: "access_denied", desc: "The user denied the request", redirect: true})
		return
	}
	account := strings.TrimSpace(r.Form.Get("account"))
	consented := r.Form["scopes"]
	if !r.Form.Has("action") && !r.Form.Has("scopes") {
		// Not our form (its buttons always send action): a programmatic
		// submission of the original query plus account consents to all.
		consented = req.scopes
	}
	var granted []string
	for _, sc := range req.scopes {
		if slices.Contains(consented, sc) {
			granted = append(granted, sc)
		}
	}
	accountID, region, ok := s.lookup(account)
	switch {
	case account == "":
		s.renderConsent(w, http.StatusBadRequest, req, account, consented, "Enter the email of your Tesla account.")
		return
	case !ok:
		s.renderConsent(w, http.StatusBadRequest, req, account, consented, "We could not find a Tesla account for "+account+".")
		return
	case len(granted) == 0:
		s.renderConsent(w, http.StatusBadRequest, req, account, consented, "Select at least one permission.")
		return
	case req.requireAll && len(granted) != len(req.scopes):
		s.renderConsent(w, http.StatusBadRequest, req, account, consented, "This app requires every requested permission.")
		return
	}
	now := s.now()
	code := region + "_" + randomHex(24)
	s.mu.Lock()
	s.codes[code] = &authCode{
		clientID: req.app.ClientID, redirectURI: req.redirectURI, scopes: granted,
		challenge: req.challenge, accountID: accountID, nonce: req.nonce, state: req.state,
		authTime: now, expiresAt: now.Add(codeTTL),
	}
	s.stats[StatCodes]++
	s.sweepLocked(now)
	s.mu.Unlock()
	s.redirect(w, r, req, url.Values{"code": {code}})
}

// authorizeFailed shows a page for untrusted requests, else redirects the
// error to the client.
func (s *Server) authorizeFailed(w http.ResponseWriter, r *http.Request, req *authRequest, aerr *authError) {
	if !aerr.redirect || req == nil {
		s.renderError(w, http.StatusBadRequest, aerr)
		return
	}
	s.redirect(w, r, req, url.Values{"error": {aerr.code}, "error_description": {aerr.desc}})
}

// redirect sends the browser back to the client with params, the state
// and the issuer added to the redirect URI's own query.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, req *authRequest, params url.Values) {
	u, err := url.Parse(req.redirectURI)
	if err != nil { // validated before; keep the guard
		s.renderError(w, http.StatusBadRequest, &authError{code: "invalid_redirect_url", desc: "bad redirect_uri"})
		return
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	if req.state != "" {
		q.Set("state", req.state)
	}
	q.Set("issuer", s.issuer)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

type scopeBox struct {
	Name, Text string
	Checked    bool
}

type hiddenField struct{ Name, Value string }

func (s *Server) renderConsent(w http.ResponseWriter, status int, req *authRequest, account string, checked []string, msg string) {
	data := struct {
		Locale, AppName, ClientID, Account, Error string
		Scopes                                    []scopeBox
		Hidden                                    []hiddenField
	}{Locale: req.locale, AppName: req.app.Name, ClientID: req.app.ClientID, Account: account, Error: msg}
	for _, info := range scopeInfo {
		if slices.Contains(req.scopes, info.Name) {
			data.Scopes = append(data.Scopes, scopeBox{Name: info.Name, Text: info.Text, Checked: slices.Contains(checked, info.Name)})
		}
	}
	for _, k := range carried {
		if v := req.hidden.Get(k); v != "" {
			data.Hidden = append(data.Hidden, hiddenField{k, v})
		}
	}
	s.renderPage(w, status, "consent", data)
}

func (s *Server) renderError(w http.ResponseWriter, status int, aerr *authError) {
	s.renderPage(w, status, "error", errorBody{Error: aerr.code, Description: aerr.desc, URI: errorURIBase + aerr.code})
}

func (s *Server) renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "page unavailable", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
