package ui

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/teslafleet/teslafleet/internal/web"
)

// A browser that is not signed in is sent to the sign-in page, which
// brings it back; the first run asks for the API token and sets the
// password; the session cookie is HTTP-only; afterwards the password and
// the token both sign in, and signing out ends the session.
func TestSignInFlow(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)

	a := b.get("/entities")
	if a.status != http.StatusSeeOther || a.location != "/login?next=%2Fentities" {
		t.Fatalf("signed out: %d → %q", a.status, a.location)
	}
	login := b.get("/login")
	if !strings.Contains(login.body, "API token") || !strings.Contains(login.body, `name="password2"`) {
		t.Fatalf("the first run's form does not ask for the token and a password:\n%s", login.body)
	}
	csrf := formCSRF(t, login.body)

	cases := []struct {
		name   string
		form   url.Values
		status int
		text   string
	}{
		{"no csrf", url.Values{"secret": {apiToken}}, http.StatusForbidden, "expired"},
		{"wrong token", url.Values{"csrf": {csrf}, "secret": {"nope"}}, http.StatusUnauthorized, "not an API token"},
		{"short password", url.Values{"csrf": {csrf}, "secret": {apiToken}, "password": {"short"}, "password2": {"short"}}, http.StatusBadRequest, "at least 8"},
		{"passwords differ", url.Values{"csrf": {csrf}, "secret": {apiToken}, "password": {"long enough 1"}, "password2": {"long enough 2"}}, http.StatusBadRequest, "differ"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := b.do(http.MethodPost, "/login", c.form, nil)
			if a.status != c.status || !strings.Contains(a.body, c.text) {
				t.Fatalf("got %d, want %d with %q:\n%s", a.status, c.status, c.text, a.body)
			}
		})
	}
	if _, set, _ := s.sessions.Password(t.Context()); set {
		t.Fatal("a refused sign-in set the password")
	}

	a = b.do(http.MethodPost, "/login", url.Values{"csrf": {csrf}, "secret": {apiToken}, "password": {"correct horse"},
		"password2": {"correct horse"}, "next": {"/entities"}}, nil)
	if a.status != http.StatusSeeOther || a.location != "/entities" {
		t.Fatalf("first sign-in: %d → %q\n%s", a.status, a.location, a.body)
	}
	cookie := sessionCookieOf(t, a.header)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", cookie)
	}
	hash, set, _ := s.sessions.Password(t.Context())
	if !set || bcrypt.CompareHashAndPassword(hash, []byte("correct horse")) != nil {
		t.Fatal("the password was not kept as a bcrypt hash")
	}
	if got := b.get("/entities"); got.status != http.StatusOK {
		t.Fatalf("signed in: %d", got.status)
	}
	if len(s.sessions.sessions) != 1 {
		t.Fatalf("sessions = %d", len(s.sessions.sessions))
	}
	for id := range s.sessions.sessions {
		if id == cookie.Value {
			t.Fatal("the store holds the session id itself, not its hash")
		}
	}

	// Sign out, then in again with the password and with the token.
	page := b.get("/").body
	if a := b.do(http.MethodPost, "/logout", url.Values{"csrf": {formCSRF(t, page)}}, nil); a.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", a.status)
	}
	if a := b.get("/"); a.status != http.StatusSeeOther {
		t.Fatalf("after signing out: %d", a.status)
	}
	for _, secret := range []string{"correct horse", apiToken} {
		b2 := s.browser(t)
		login := b2.get("/login")
		if strings.Contains(login.body, "password2") {
			t.Fatal("the password is set, but the first run's form is shown")
		}
		a := b2.do(http.MethodPost, "/login", url.Values{"csrf": {formCSRF(t, login.body)}, "secret": {secret}}, nil)
		if a.status != http.StatusSeeOther || a.location != "/" {
			t.Fatalf("sign in with %q: %d %s", secret[:4], a.status, a.body)
		}
	}
}

// Wrong passwords count against the address like wrong API tokens: past
// the gate's limit even the right one is refused.
func TestSignInLimited(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)
	b.signIn(apiToken, "correct horse")
	b2 := s.browser(t)
	for range 5 {
		login := b2.get("/login")
		b2.do(http.MethodPost, "/login", url.Values{"csrf": {formCSRF(t, login.body)}, "secret": {"guess"}}, nil)
	}
	login := b2.get("/login")
	a := b2.do(http.MethodPost, "/login", url.Values{"csrf": {formCSRF(t, login.body)}, "secret": {"correct horse"}}, nil)
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures: %d, want 429", a.status)
	}
	// The REST API shares the gate.
	api := b2.do(http.MethodGet, "/api/states", nil, map[string]string{"Authorization": "Bearer " + apiToken})
	if api.status != http.StatusTooManyRequests {
		t.Fatalf("REST after the UI's failures: %d, want 429", api.status)
	}
}

// The REST API takes a signed-in browser's cookie; a request that
// changes something also needs the session's CSRF token.
func TestSessionUsesTheAPI(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)
	csrf := b.signIn(apiToken, "")
	if a := b.get("/api/states"); a.status != http.StatusOK || !strings.HasPrefix(a.body, "[") {
		t.Fatalf("GET /api/states with the cookie: %d", a.status)
	}
	call := func(header map[string]string) answer {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/api/services/switch/turn_on", strings.NewReader(`{"entity_id":"switch.test_sentry_mode"}`))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return answer{status: resp.StatusCode}
	}
	if a := call(nil); a.status != http.StatusUnauthorized {
		t.Fatalf("POST without the CSRF token: %d, want 401", a.status)
	}
	if n := len(s.snd.commands()); n != 0 {
		t.Fatalf("%d commands sent without the CSRF token", n)
	}
	if a := call(map[string]string{csrfHeader: csrf}); a.status != http.StatusOK {
		t.Fatalf("POST with the CSRF token: %d", a.status)
	}
	if got := s.snd.commands(); len(got) != 1 || got[0] != "set_sentry_mode" {
		t.Fatalf("sent %v, want [set_sentry_mode]", got)
	}
}

func sessionCookieOf(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatal("no session cookie set")
	return nil
}

// Behind a trusted proxy that says the browser used HTTPS, the session
// cookie is Secure; the same header from anyone else changes nothing.
func TestSecureBehindTrustedProxy(t *testing.T) {
	for _, c := range []struct {
		name    string
		trusted bool
		secure  bool
	}{{"trusted proxy", true, true}, {"untrusted peer", false, false}} {
		t.Run(c.name, func(t *testing.T) {
			s := newSite(t, func(o *Options) {
				var proxies []netip.Prefix
				if c.trusted {
					proxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
				}
				g, err := web.NewGate(web.GateOptions{Tokens: []string{apiToken}, TrustedProxies: proxies})
				if err != nil {
					t.Fatal(err)
				}
				o.Gate = g
			})
			b := s.browser(t)
			login := b.get("/login")
			a := b.do(http.MethodPost, "/login", url.Values{"csrf": {formCSRF(t, login.body)}, "secret": {apiToken}},
				map[string]string{"X-Forwarded-Proto": "https"})
			if a.status != http.StatusSeeOther {
				t.Fatalf("sign in: %d", a.status)
			}
			if got := sessionCookieOf(t, a.header).Secure; got != c.secure {
				t.Errorf("Secure = %v, want %v", got, c.secure)
			}
		})
	}
}
