package ui

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/testfixture"
	"github.com/teslafleet/teslafleet/internal/web"
)

const apiToken = "api-token-for-tests"

// memSessions is a SessionStore in memory.
type memSessions struct {
	mu       sync.Mutex
	password []byte
	sessions map[string]Session
	now      func() time.Time
}

func (m *memSessions) Password(context.Context) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.password, m.password != nil, nil
}

func (m *memSessions) SetPassword(_ context.Context, h []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.password, m.sessions = h, map[string]Session{}
	return nil
}

func (m *memSessions) SaveSession(_ context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.Hash] = s
	return nil
}

func (m *memSessions) Session(_ context.Context, hash string) (Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[hash]
	if !ok || !m.now().Before(s.ExpiresAt) {
		return Session{}, ErrNoSession
	}
	return s, nil
}

func (m *memSessions) DeleteSession(_ context.Context, hash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, hash)
	return nil
}

// sender records the commands sent to Tesla.
type sender struct {
	mu   sync.Mutex
	sent []string
}

func (s *sender) Send(_ context.Context, _ string, cmds ...command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cmds {
		s.sent = append(s.sent, c.Name())
	}
	return nil
}
func (s *sender) WakeUp(context.Context, string) error { return nil }
func (s *sender) SendSite(_ context.Context, _ int64, c command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, c.Name())
	return nil
}

func (s *sender) commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

// site is a UI and the REST API on one server, as app wires them, over a
// registry holding Home Assistant's fixture vehicle and energy site.
type site struct {
	srv      *httptest.Server
	reg      *entity.Registry
	snd      *sender
	sessions *memSessions
	data     fleet.VehicleData
}

func newSite(t *testing.T, mod func(*Options)) *site {
	t.Helper()
	reg := entity.New(entity.Options{})
	snd := &sender{}
	testfixture.Fleet(t, reg, snd, 1, 1)
	var data fleet.VehicleData
	testfixture.Response(t, "vehicle_data.json", &data)
	gate, err := web.NewGate(web.GateOptions{Tokens: []string{apiToken}, Failures: 5})
	if err != nil {
		t.Fatal(err)
	}
	sessions := &memSessions{sessions: map[string]Session{}, now: time.Now}
	o := Options{Registry: reg, Gate: gate, Sessions: sessions, Location: time.UTC}
	if mod != nil {
		mod(&o)
	}
	u, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	api, err := web.New(web.Options{Registry: reg, Gate: gate, Sessions: u})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/", u)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &site{srv: srv, reg: reg, snd: snd, sessions: sessions, data: data}
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (s *site) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: s.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type answer struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (b *browser) do(method, path string, form url.Values, header map[string]string) answer {
	b.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, body: string(raw), location: resp.Header.Get("Location"), header: resp.Header}
}

func (b *browser) get(path string) answer { return b.do(http.MethodGet, path, nil, nil) }

var hiddenCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formCSRF is the csrf field of the page's first form.
func formCSRF(t *testing.T, page string) string {
	t.Helper()
	m := hiddenCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in the page:\n%s", page)
	}
	return m[1]
}

// signIn signs the browser in with the API token (and, on the first run,
// sets password when it is not empty); it returns the session's CSRF.
func (b *browser) signIn(secret, password string) string {
	b.t.Helper()
	login := b.get("/login")
	form := url.Values{"csrf": {formCSRF(b.t, login.body)}, "secret": {secret}, "next": {"/"}}
	if password != "" {
		form.Set("password", password)
		form.Set("password2", password)
	}
	a := b.do(http.MethodPost, "/login", form, nil)
	if a.status != http.StatusSeeOther {
		b.t.Fatalf("sign in: %d %s", a.status, a.body)
	}
	return formCSRF(b.t, b.get("/").body)
}
