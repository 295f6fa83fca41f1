package app

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/store"
	"github.com/teslafleet/teslafleet/internal/web/ui"
)

// browser is a person's browser on the web UI: cookies kept, redirects
// followed.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base, apiToken string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, base: base, c: &http.Client{Jar: jar}}
	page := b.get("/login")
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil {
		t.Fatalf("no sign-in form: %s", page)
	}
	b.post("/login", url.Values{"csrf": {csrf[1]}, "secret": {apiToken}})
	return b
}

func (b *browser) do(req *http.Request) string {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("%s %s: %s\n%s", req.Method, req.URL, resp.Status, body)
	}
	return string(body)
}

func (b *browser) get(path string) string {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) string {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// runStep presses a step's action button and returns the page shown after.
func (b *browser) runStep(id string) string {
	b.t.Helper()
	page := b.get("/setup")
	csrf := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindStringSubmatch(page)
	if csrf == nil {
		b.t.Fatal("no CSRF token on /setup")
	}
	return b.post("/setup/"+id, url.Values{"csrf": {csrf[1]}})
}

var stepRE = regexp.MustCompile(`<li id="step-([a-z]+)" class="card step" data-status="([a-z]+)"`)

// statuses are the page's steps and their data-status, in order.
func statuses(page string) ([]string, map[string]string) {
	var order []string
	m := map[string]string{}
	for _, s := range stepRE.FindAllStringSubmatch(page, -1) {
		order = append(order, s[1])
		m[s[1]] = s[2]
	}
	return order, m
}

// stepOf is one step's <li>.
func stepOf(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<li id="step-`+id+`"`)
	if i < 0 {
		t.Fatalf("no step %s", id)
	}
	rest := page[i+1:]
	if j := strings.Index(rest, `<li id="step-`); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// In the demo every step of the wizard ends done, the sign-in runs through
// the simulator's consent page back to the UI's own callback, and no
// secret appears on the page.
func TestWizardDemoEveryStepDone(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	base, stop := runDemo(t, dataDir)
	b := newBrowser(t, base, "test-api-token-0123")

	order, st := statuses(b.get("/setup"))
	want := []string{"key", "hosting", "registration", "login", "pairing", "doctor"}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Fatalf("steps %v, want %v", order, want)
	}
	if st["key"] != "done" || st["login"] != "done" {
		t.Errorf("the demo's key and account are not shown done: %v", st)
	}
	var pages strings.Builder
	for _, id := range want {
		t.Run(id, func(t *testing.T) {
			var page string
			b := &browser{t: t, base: b.base, c: b.c}
			if id == "login" {
				page = signInThroughUI(t, b)
			} else {
				page = b.runStep(id)
			}
			pages.WriteString(page)
			if _, st := statuses(page); st[id] != "done" {
				t.Errorf("after running it, %s is %q:\n%s", id, st[id], stepOf(t, page, id))
			}
		})
	}
	page := b.get("/setup")
	pages.WriteString(page)
	if _, st := statuses(page); len(st) != len(want) {
		t.Fatalf("steps: %v", st)
	} else {
		for id, s := range st {
			if s != "done" {
				t.Errorf("at the end, %s is %s", id, s)
			}
		}
	}
	pair := stepOf(t, page, "pairing")
	link := setup.PairingURL(demoDomain, "")
	if !strings.Contains(pair, `href="`+link+`"`) || !strings.Contains(pair, "<svg") {
		t.Errorf("pairing shows no link to %s with its QR code:\n%s", link, pair)
	}
	if !strings.Contains(stepOf(t, page, "doctor"), `<ul class="checks"`) {
		t.Error("doctor shows no checks")
	}
	stop()

	tok := currentToken(t, dataDir)
	key, err := setup.LoadKey(filepath.Join(dataDir, "demo-key"))
	if err != nil {
		t.Fatal(err)
	}
	keyBody := strings.Join(strings.Split(strings.TrimSpace(string(key.PrivatePEM)), "\n")[1:3], "")
	for what, s := range map[string]string{"access token": tok.AccessToken, "refresh token": tok.RefreshToken, "private key": keyBody} {
		if s != "" && strings.Contains(pages.String(), s) {
			t.Errorf("the %s is on the setup page", what)
		}
	}
}

// signInThroughUI presses "Sign in with Tesla", opens the link shown,
// allows access on the simulator's consent page, and follows the redirect
// back to the UI.
func signInThroughUI(t *testing.T, b *browser) string {
	t.Helper()
	page := b.runStep("login")
	m := regexp.MustCompile(`<a class="step-link" href="([^"]+)"[^>]*>Continue to Tesla`).FindStringSubmatch(stepOf(t, page, "login"))
	if m == nil {
		t.Fatalf("no sign-in link:\n%s", stepOf(t, page, "login"))
	}
	authURL := html.UnescapeString(m[1])
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	if cb := u.Query().Get("redirect_uri"); cb != b.base+"/auth/callback" {
		t.Errorf("redirect_uri %q, want the UI's own callback", cb)
	}
	// The person allows access on the consent page (what sim.ApproveConsent does).
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := u.Query()
	form.Set("account", DemoAccount)
	form.Set("action", "allow")
	form["scopes"] = strings.Fields(form.Get("scope"))
	resp, err := noFollow.PostForm(u.Scheme+"://"+u.Host+u.Path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back := resp.Header.Get("Location")
	if !strings.HasPrefix(back, b.base+"/auth/callback?") {
		t.Fatalf("consent answered %s to %q", resp.Status, back)
	}
	page = b.get(strings.TrimPrefix(back, b.base))
	// A new account is "signed in just now"; the demo's own, signed in
	// again, is "signed in again".
	if li := stepOf(t, page, "login"); !strings.Contains(li, "Signed in just now") && !strings.Contains(li, "Signed in again") {
		t.Errorf("the login step does not say the sign-in worked:\n%s", li)
	}
	return page
}

// newTestWizard is a wizard on a fresh store and data directory for
// domain, fetching the hosted key from keyBase; Tesla's addresses are a
// closed port (nothing here may reach Tesla).
func newTestWizard(t *testing.T, domain, keyBase string) (*wizard, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Tesla.Domain = domain
	closed := "http://127.0.0.1:1"
	cfg.Tesla.FleetAPI = config.PerRegion[string]{NA: closed, EU: closed, CN: closed}
	fc := fleetConfig(cfg)
	fc.ClientID, fc.ClientSecret = "client", "secret"
	return newWizard(st, cfg, fc, keyBase), dir
}

func stepByID(t *testing.T, w *wizard, id string) ui.Step {
	t.Helper()
	for _, s := range w.Steps(context.Background()) {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no step %s", id)
	return ui.Step{}
}

// Each failure shows its state and the fix the CLI gives for it.
func TestWizardFailuresShowTheFix(t *testing.T) {
	const domain = "teslafleet.local"
	tests := []struct {
		name    string
		domain  string
		withKey bool
		step    string
		want    ui.StepStatus
		fixHas  string // a piece of the fix the CLI prints
	}{
		{"hosting unreachable", domain, true, stepHosting, ui.StepFailed, setup.PublicKeyURL(domain)},
		{"no domain to host at", "", true, stepHosting, ui.StepFailed, "domain"},
		{"register without a key", domain, false, stepRegistration, ui.StepFailed, setup.KeygenFix},
		{"register without a domain", "", true, stepRegistration, ui.StepFailed, "domain"},
		{"pairing with nobody signed in", domain, true, stepPairing, ui.StepFailed, "Sign in"},
		{"doctor without a key", domain, false, stepDoctor, ui.StepFailed, "fixes below"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, dir := newTestWizard(t, tc.domain, "http://127.0.0.1:1")
			if tc.withKey {
				if _, err := setup.GenerateKey(dir, false); err != nil {
					t.Fatal(err)
				}
			}
			before := stepByID(t, w, tc.step)
			if before.Action == "" && tc.domain != "" {
				t.Errorf("%s has no action button", tc.step)
			}
			if err := w.Run(context.Background(), tc.step, nil); err != nil {
				t.Fatal(err)
			}
			s := stepByID(t, w, tc.step)
			if s.Status != tc.want || !strings.Contains(s.Fix, tc.fixHas) {
				t.Errorf("%s: status %s, detail %q, fix %q; want %s with %q", tc.step, s.Status, s.Detail, s.Fix, tc.want, tc.fixHas)
			}
		})
	}
}

// "Make a key" makes one when there is none and never replaces one.
func TestWizardMakesAKeyOnce(t *testing.T) {
	w, dir := newTestWizard(t, "teslafleet.local", "")
	if s := stepByID(t, w, stepKey); s.Status != ui.StepTodo || s.Action != "Make a key" || s.Fix != setup.KeygenFix {
		t.Fatalf("no key: %+v", s)
	}
	if err := w.Run(context.Background(), stepKey, nil); err != nil {
		t.Fatal(err)
	}
	s := stepByID(t, w, stepKey)
	k, err := setup.LoadKey(dir)
	if err != nil || s.Status != ui.StepDone || !strings.Contains(s.Detail, k.PublicKeyHex()[:16]) {
		t.Fatalf("after Make a key: %+v (%v)", s, err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, setup.PrivateKeyFile))
	if err := w.Run(context.Background(), stepKey, nil); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, setup.PrivateKeyFile))
	if string(before) != string(after) {
		t.Error("a second Make a key replaced the key")
	}
	if strings.Contains(s.Detail, "PRIVATE") {
		t.Error("the private key is shown")
	}
	if err := w.Run(context.Background(), "nonsense", nil); err != ui.ErrUnknownStep {
		t.Errorf("an unknown step: %v", err)
	}
}

// A callback that answers no sign-in started here, or Tesla's refusal,
// leaves the login step failed with the fix; nothing is stored.
func TestWizardSignInRefused(t *testing.T) {
	w, _ := newTestWizard(t, "teslafleet.local", "")
	w.fc.AuthorizeURL, w.fc.TokenURL = "http://127.0.0.1:1/authorize", "http://127.0.0.1:1/token"
	authURL, state, err := w.SignIn(context.Background(), "http://127.0.0.1:8080/auth/callback")
	if err != nil || state == "" {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	if q := u.Query(); q.Get("state") != state || q.Get("code_challenge") == "" || q.Get("redirect_uri") != "http://127.0.0.1:8080/auth/callback" {
		t.Errorf("authorization URL %s: want the state, PKCE and the callback", authURL)
	}
	if s := stepByID(t, w, stepLogin); s.Link != authURL {
		t.Errorf("the login step does not link to Tesla's page: %+v", s)
	}
	tests := []struct {
		name string
		q    url.Values
	}{
		{"Tesla refused", url.Values{"state": {state}, "error": {"access_denied"}}},
		{"unknown state", url.Values{"state": {"forged"}, "code": {"c"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := w.Finish(context.Background(), tc.q); err != nil {
				t.Fatal(err)
			}
			s := stepByID(t, w, stepLogin)
			if s.Status != ui.StepFailed || s.Fix == "" {
				t.Errorf("login step: %+v", s)
			}
			if accts, _ := w.st.Accounts(context.Background()); len(accts) != 0 {
				t.Errorf("accounts stored: %v", accts)
			}
		})
	}
}
