package ui

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/web"
)

// fakeSetup is a wizard whose steps the test sets; a run marks its step
// done.
type fakeSetup struct {
	mu       sync.Mutex
	steps    []Step
	ran      []string
	callback string
	finished url.Values
}

func (f *fakeSetup) Steps(context.Context) []Step {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Step(nil), f.steps...)
}

func (f *fakeSetup) Run(_ context.Context, id string, _ url.Values) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.steps {
		if f.steps[i].ID == id {
			f.ran = append(f.ran, id)
			f.steps[i].Status, f.steps[i].Detail = StepDone, "ran "+id
			return nil
		}
	}
	return ErrUnknownStep
}

func (f *fakeSetup) SignIn(_ context.Context, callback string) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.callback = callback
	return "https://auth.example/authorize?state=st-1", "st-1", nil
}

func (f *fakeSetup) Finish(_ context.Context, q url.Values) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finished = q
	return nil
}

func (f *fakeSetup) runs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ran...)
}

// setupSessions is an in-memory SessionStore.
type setupSessions struct {
	mu sync.Mutex
	m  map[string]Session
}

func (s *setupSessions) Password(context.Context) ([]byte, bool, error) { return nil, false, nil }
func (s *setupSessions) SetPassword(context.Context, []byte) error      { return nil }
func (s *setupSessions) SaveSession(_ context.Context, x Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[x.Hash] = x
	return nil
}
func (s *setupSessions) Session(_ context.Context, h string) (Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[h]
	if !ok {
		return Session{}, ErrNoSession
	}
	return x, nil
}
func (s *setupSessions) DeleteSession(_ context.Context, h string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, h)
	return nil
}

const (
	wizardSessionID = "wizard-session-id"
	wizardCSRF      = "wizard-csrf-token"
)

// newWizardUI is a UI with setup (nil: none) and one signed-in session.
func newWizardUI(t *testing.T, setup Setup) *UI {
	t.Helper()
	gate, err := web.NewGate(web.GateOptions{Tokens: []string{"api-token-for-tests"}})
	if err != nil {
		t.Fatal(err)
	}
	sess := &setupSessions{m: map[string]Session{}}
	sess.m[hashID(wizardSessionID)] = Session{Hash: hashID(wizardSessionID), CSRF: wizardCSRF, ExpiresAt: time.Now().Add(time.Hour)}
	o := Options{Registry: entity.New(entity.Options{}), Gate: gate, Sessions: sess}
	if setup != nil {
		o.Setup = setup
	}
	u, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// do sends a request, signed in unless anonymous, with cookies.
func do(t *testing.T, u *UI, method, target string, form url.Values, anonymous bool, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if !anonymous {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: wizardSessionID})
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	u.ServeHTTP(w, r)
	return w
}

// stepHTML is the <li> of one step in the page.
func stepHTML(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `<li id="step-`+id+`"`)
	if start < 0 {
		t.Fatalf("no step %s in the page:\n%s", id, page)
	}
	end := strings.Index(page[start:], "</form>\n</li>")
	if e2 := strings.Index(page[start:], "\n</li>"); end < 0 || (e2 >= 0 && e2 < end) {
		end = e2
	}
	return page[start : start+end]
}

func TestSetupPageShowsEachStepsState(t *testing.T) {
	const fix = "Host the public key at https://example.com/.well-known/x and try again."
	tests := []struct {
		status  StepStatus
		words   string // the state in words, not colour alone
		showFix bool
	}{
		{StepDone, "Done", false},
		{StepTodo, "To do", true},
		{StepFailed, "Failed", true},
		{StepWarning, "Warning", true},
	}
	for _, tc := range tests {
		t.Run(string(tc.status), func(t *testing.T) {
			f := &fakeSetup{steps: []Step{{ID: "hosting", Title: "Public key hosting", Status: tc.status, Detail: "fetched it", Fix: fix, Action: "Check again"}}}
			w := do(t, newWizardUI(t, f), http.MethodGet, "/setup", nil, false)
			if w.Code != http.StatusOK {
				t.Fatalf("GET /setup: %d", w.Code)
			}
			li := stepHTML(t, w.Body.String(), "hosting")
			if !strings.Contains(li, `data-status="`+string(tc.status)+`"`) {
				t.Errorf("no data-status %s: %s", tc.status, li)
			}
			if !strings.Contains(li, ">"+tc.words+"<") {
				t.Errorf("the state is not in words (%q): %s", tc.words, li)
			}
			if got := strings.Contains(li, template.HTMLEscapeString(fix)); got != tc.showFix {
				t.Errorf("fix shown %v, want %v: %s", got, tc.showFix, li)
			}
			if !strings.Contains(li, `action="/setup/hosting"`) || !strings.Contains(li, `name="csrf" value="`+wizardCSRF+`"`) || !strings.Contains(li, ">Check again</button>") {
				t.Errorf("no action form with the CSRF token: %s", li)
			}
			if !strings.Contains(li, `<h2 id="step-hosting-title">`) {
				t.Errorf("no heading: %s", li)
			}
		})
	}
}

func TestSetupPageShowsLinkQRAndChecks(t *testing.T) {
	f := &fakeSetup{steps: []Step{
		{ID: "pairing", Title: "Pairing", Status: StepTodo, Link: "https://tesla.com/_ak/example.com", LinkText: "Open the pairing link",
			QR: template.HTML(`<svg role="img" aria-label="QR code"></svg>`)},
		{ID: "doctor", Title: "Doctor", Status: StepFailed, Checks: []Check{
			{Name: "clock", Status: StepDone, Detail: "in time", Fix: "never shown"},
			{Name: "token", Status: StepFailed, Detail: "expired <soon>", Fix: "Sign in again."},
		}},
	}}
	page := do(t, newWizardUI(t, f), http.MethodGet, "/setup", nil, false).Body.String()
	pair := stepHTML(t, page, "pairing")
	for _, want := range []string{`href="https://tesla.com/_ak/example.com"`, "Open the pairing link", `<svg role="img" aria-label="QR code"></svg>`} {
		if !strings.Contains(pair, want) {
			t.Errorf("pairing lacks %s: %s", want, pair)
		}
	}
	doc := stepHTML(t, page, "doctor")
	for _, want := range []string{"Sign in again.", "expired &lt;soon&gt;", `data-status="failed"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("doctor lacks %s: %s", want, doc)
		}
	}
	if strings.Contains(doc, "never shown") {
		t.Errorf("a passed check shows a fix: %s", doc)
	}
}

func TestSetupRunNeedsSessionAndCSRF(t *testing.T) {
	tests := []struct {
		name      string
		form      url.Values
		anonymous bool
		want      int
	}{
		{"no session", url.Values{"csrf": {wizardCSRF}}, true, http.StatusUnauthorized},
		{"no token", url.Values{}, false, http.StatusForbidden},
		{"wrong token", url.Values{"csrf": {"guess"}}, false, http.StatusForbidden},
		{"good", url.Values{"csrf": {wizardCSRF}}, false, http.StatusSeeOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeSetup{steps: []Step{{ID: "key", Title: "Command key", Status: StepTodo, Action: "Make a key"}}}
			w := do(t, newWizardUI(t, f), http.MethodPost, "/setup/key", tc.form, tc.anonymous)
			if w.Code != tc.want {
				t.Fatalf("POST /setup/key: %d, want %d", w.Code, tc.want)
			}
			ran := len(f.runs()) == 1
			if ran != (tc.want == http.StatusSeeOther) {
				t.Errorf("step ran: %v (status %d)", ran, w.Code)
			}
		})
	}
}

func TestSetupRunShowsTheNewState(t *testing.T) {
	f := &fakeSetup{steps: []Step{
		{ID: "key", Title: "Command key", Status: StepTodo, Action: "Make a key", Fix: "Make one."},
		{ID: "hosting", Title: "Hosting", Status: StepFailed},
	}}
	u := newWizardUI(t, f)
	w := do(t, u, http.MethodPost, "/setup/key", url.Values{"csrf": {wizardCSRF}}, false)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/setup#step-key" {
		t.Fatalf("POST /setup/key: %d to %q", w.Code, w.Header().Get("Location"))
	}
	page := do(t, u, http.MethodGet, "/setup", nil, false).Body.String()
	li := stepHTML(t, page, "key")
	if !strings.Contains(li, `data-status="done"`) || !strings.Contains(li, "ran key") || strings.Contains(li, "Make one.") {
		t.Errorf("after the run: %s", li)
	}
	if !strings.Contains(stepHTML(t, page, "hosting"), `data-status="failed"`) {
		t.Error("another step changed")
	}
	if !strings.Contains(page, "1 of 2 steps done") {
		t.Error("no progress line")
	}
	if w := do(t, u, http.MethodPost, "/setup/nonsense", url.Values{"csrf": {wizardCSRF}}, false); w.Code != http.StatusNotFound {
		t.Errorf("an unknown step: %d", w.Code)
	}
}

func TestSetupSignInComesBackThroughTheCallback(t *testing.T) {
	f := &fakeSetup{steps: []Step{{ID: "login", Title: "Sign in", Status: StepTodo, Action: "Sign in with Tesla"}}}
	u := newWizardUI(t, f)
	w := do(t, u, http.MethodPost, "/setup/login", url.Values{"csrf": {wizardCSRF}}, false)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("POST /setup/login: %d", w.Code)
	}
	if f.callback != "http://example.com/auth/callback" {
		t.Errorf("callback %q", f.callback)
	}
	var state *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == oauthCookie {
			state = c
		}
	}
	if state == nil || !state.HttpOnly || state.Value != "st-1" {
		t.Fatalf("no HTTP-only state cookie: %+v", state)
	}

	// An answer to a sign-in this browser did not start changes nothing.
	if w := do(t, u, http.MethodGet, "/auth/callback?code=c&state=forged", nil, false, state); w.Code != http.StatusBadRequest || f.finished != nil {
		t.Errorf("forged state: %d, finished %v", w.Code, f.finished)
	}
	if w := do(t, u, http.MethodGet, "/auth/callback?code=c&state=st-1", nil, false); w.Code != http.StatusBadRequest || f.finished != nil {
		t.Errorf("no state cookie: %d, finished %v", w.Code, f.finished)
	}
	w = do(t, u, http.MethodGet, "/auth/callback?code=c&state=st-1", nil, false, state)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/setup#step-login" {
		t.Fatalf("callback: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if f.finished.Get("code") != "c" {
		t.Errorf("finished with %v", f.finished)
	}
}

func TestSetupPagesNeedSignIn(t *testing.T) {
	u := newWizardUI(t, &fakeSetup{})
	for _, target := range []string{"/setup", "/auth/callback?code=c&state=s"} {
		w := do(t, u, http.MethodGet, target, nil, true)
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
			t.Errorf("%s anonymous: %d to %q", target, w.Code, w.Header().Get("Location"))
		}
	}
}

func TestSetupWithoutWizard(t *testing.T) {
	u := newWizardUI(t, nil)
	w := do(t, u, http.MethodGet, "/setup", nil, false)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "not available") {
		t.Errorf("GET /setup: %d %s", w.Code, w.Body.String())
	}
	if w := do(t, u, http.MethodPost, "/setup/key", url.Values{"csrf": {wizardCSRF}}, false); w.Code != http.StatusNotFound {
		t.Errorf("POST without a wizard: %d", w.Code)
	}
}
