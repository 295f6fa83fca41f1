package oauth

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a manual simulated clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// accounts is a fake AccountLookup: by id or email.
type accounts struct {
	mu   sync.Mutex
	byID map[string][2]string // id -> email, region
}

func (a *accounts) lookup(idOrEmail string) (string, string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, v := range a.byID {
		if id == idOrEmail || v[0] == idOrEmail {
			return id, v[1], true
		}
	}
	return "", "", false
}

func (a *accounts) setRegion(id, region string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v := a.byID[id]
	v[1] = region
	a.byID[id] = v
}

var testAudiences = []string{"https://fleet-api.prd.na.vn.cloud.tesla.com", "https://fleet-api.prd.eu.vn.cloud.tesla.com"}

const (
	ownerID    = "4f1c0e2a-owner"
	ownerEmail = "owner@example.com"
	euID       = "9b7d-eu"
	euEmail    = "eu@example.com"
	callback   = "http://127.0.0.1:8123/auth/callback"
)

type env struct {
	s     *Server
	ts    *httptest.Server
	clock *clock
	accts *accounts
	demo  App
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{
		clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
		accts: &accounts{byID: map[string][2]string{ownerID: {ownerEmail, "NA"}, euID: {euEmail, "EU"}}},
	}
	s, err := New(Options{
		Now:       e.clock.now,
		Lookup:    e.accts.lookup,
		Audiences: func() []string { return testAudiences },
		Seed:      42,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	e.demo = s.DemoApp()
	mux := http.NewServeMux()
	s.Register(mux)
	e.ts = httptest.NewServer(mux)
	t.Cleanup(e.ts.Close)
	return e
}

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (e *env) authorizeURL(q url.Values) string {
	return e.ts.URL + "/oauth2/v3/authorize?" + q.Encode()
}

func (e *env) demoQuery(scope string) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {e.demo.ClientID}, "redirect_uri": {callback},
		"scope": {scope}, "state": {"st-123"}, "nonce": {"n-1"}, "prompt": {"login"}, "locale": {"en-US"},
	}
}

type response struct {
	status   int
	location string
	body     string
}

func do(t testing.TB, req *http.Request) response {
	t.Helper()
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b)}
}

func get(t testing.TB, u string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return do(t, req)
}

func postForm(t testing.TB, u string, f url.Values) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, req)
}

func postJSON(t testing.TB, u string, body string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

var (
	hiddenRE   = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	checkboxRE = regexp.MustCompile(`<input type="checkbox" name="scopes" value="([^"]+)"( checked)?>`)
)

// consentForm parses the consent page: its hidden fields and the checked
// scope boxes, as a browser would submit them.
func consentForm(t testing.TB, page string) (hidden url.Values, checked []string) {
	t.Helper()
	hidden = url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		hidden.Add(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range checkboxRE.FindAllStringSubmatch(page, -1) {
		if m[2] != "" {
			checked = append(checked, m[1])
		}
	}
	if len(hidden) == 0 {
		t.Fatalf("no consent form in page:\n%s", page)
	}
	return hidden, checked
}

// authorize runs the browser part of the flow and returns the callback URL.
func (e *env) authorize(t testing.TB, q url.Values, account string, scopes []string) *url.URL {
	t.Helper()
	page := get(t, e.authorizeURL(q))
	if page.status != http.StatusOK {
		t.Fatalf("GET authorize: %d %s", page.status, page.body)
	}
	form, checked := consentForm(t, page.body)
	if scopes == nil {
		scopes = checked
	}
	form.Set("account", account)
	form["scopes"] = scopes
	form.Set("action", "allow")
	res := postForm(t, e.ts.URL+"/oauth2/v3/authorize", form)
	if res.status != http.StatusFound {
		t.Fatalf("POST authorize: %d %s", res.status, res.body)
	}
	u, err := url.Parse(res.location)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// token posts a form to the token endpoint and decodes the answer.
func (e *env) token(t testing.TB, f url.Values) (int, Tokens, errorBody) {
	t.Helper()
	res := postForm(t, e.ts.URL+"/oauth2/v3/token", f)
	var tok Tokens
	var eb errorBody
	if res.status == http.StatusOK {
		if err := json.Unmarshal([]byte(res.body), &tok); err != nil {
			t.Fatalf("token body %q: %v", res.body, err)
		}
	} else if err := json.Unmarshal([]byte(res.body), &eb); err != nil {
		t.Fatalf("error body %q: %v", res.body, err)
	}
	return res.status, tok, eb
}

func (e *env) exchange(t testing.TB, code string, extra url.Values) (int, Tokens, errorBody) {
	t.Helper()
	f := url.Values{"grant_type": {"authorization_code"}, "client_id": {e.demo.ClientID}, "client_secret": {e.demo.ClientSecret},
		"code": {code}, "redirect_uri": {callback}, "audience": {testAudiences[0]}}
	for k, v := range extra {
		f[k] = v
	}
	return e.token(t, f)
}

func (e *env) refresh(t testing.TB, rt string) (int, Tokens, errorBody) {
	t.Helper()
	return e.token(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {e.demo.ClientID}, "refresh_token": {rt}})
}

// decodeJWT returns a token's header and payload without verifying it.
func decodeJWT(t testing.TB, tok string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &payload} {
		if strings.ContainsAny(parts[i], "=+/") {
			t.Fatalf("part %d is not unpadded base64url", i)
		}
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return header, payload
}

func bearer(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/api/1/products", nil)
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return r
}
