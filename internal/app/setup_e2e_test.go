package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/sim"
)

// The whole setup path against the simulator, in one test: keygen → our
// own server hosts the public key → register (the simulator fetches the
// key through its resolver) → login (the consent form approved by the
// test's person) → pair (/_ak/<domain>) → doctor all green → a signed
// command succeeds. No secret appears in what any step printed or served.
func TestSetupEndToEnd(t *testing.T) {
	const domain = "teslafleet.local" // one of the simulated demo app's allowed origins
	// The domain's web server: a proxy to serve, once serve runs.
	var target atomic.Pointer[url.URL]
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := target.Load()
		if u == nil {
			http.Error(w, "serve is not running", http.StatusBadGateway)
			return
		}
		httputilProxy(u).ServeHTTP(w, r)
	}))
	defer front.Close()
	srv, err := sim.Start("127.0.0.1:0", sim.Options{Seed: 1, Speed: 1, WakeDelay: time.Second, Resolver: map[string]string{domain: front.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	cfgPath, dataDir := filepath.Join(dir, "teslafleet.yaml"), filepath.Join(dir, "data")
	if err := writeSimConfig(cfgPath, srv); err != nil {
		t.Fatal(err)
	}
	setConfig(t, cfgPath, `domain: ""`, "domain: "+domain)
	so := StoreOptions{ConfigPath: cfgPath, DataDir: dataDir}
	var printed bytes.Buffer // everything the commands printed

	if err := RunKeygen(context.Background(), KeygenOptions{StoreOptions: so}, &printed); err != nil {
		t.Fatal(err)
	}
	base, stop := runServe(t, cfgPath, dataDir)
	u, _ := url.Parse(base)
	target.Store(u)
	if err := RunRegister(context.Background(), RegisterOptions{StoreOptions: so}, &printed); err != nil {
		t.Fatalf("register: %v\n%s", err, printed.String())
	}
	if err := RunLogin(context.Background(), LoginOptions{ConfigPath: cfgPath, DataDir: dataDir, Browser: simBrowser(srv), Wait: 20 * time.Second}, &printed); err != nil {
		t.Fatalf("login: %v", err)
	}
	// The owner taps the pairing link in the Tesla app.
	resp, err := http.Get(srv.URLs["NA"] + "/_ak/" + domain)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("pairing: %s", resp.Status)
	}
	out1, err := stop()
	if err != nil {
		t.Fatal(err)
	}
	base, stop = runServe(t, cfgPath, dataDir) // resumes the new account
	u, _ = url.Parse(base)
	target.Store(u)

	var doctorOut bytes.Buffer
	if err := RunDoctor(context.Background(), DoctorOptions{StoreOptions: so, KeyBaseURL: front.URL}, &doctorOut); err != nil {
		t.Fatalf("doctor: %v\n%s", err, doctorOut.String())
	}
	if strings.Contains(doctorOut.String(), "fail") || !strings.Contains(doctorOut.String(), "Everything checked is in order.") {
		t.Fatalf("doctor:\n%s", doctorOut.String())
	}
	// A signed command to the car that takes only signed ones.
	req, _ := http.NewRequest(http.MethodPost, base+"/api/services/switch/turn_on", strings.NewReader(`{"entity_id":"switch.midnight_sentry_mode"}`))
	req.Header.Set("Authorization", "Bearer test-api-token-0123")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("signed command: %d %s", resp.StatusCode, answer)
	}
	// The API's doctor runs the same checks (its hosted-key check fetches
	// the real https://teslafleet.local, which this machine cannot reach).
	apiDoctor := apiGet(t, base, "/api/teslafleet/doctor", "test-api-token-0123")
	for _, want := range []string{`"name":"partner registration (`, `"detail":"command_signing required; this app's key is paired"`} {
		if !strings.Contains(apiDoctor, want) {
			t.Errorf("GET /api/teslafleet/doctor lacks %s: %s", want, apiDoctor)
		}
	}
	out2, err := stop()
	if err != nil {
		t.Fatal(err)
	}

	// No secret in anything printed, logged or answered.
	tok := currentToken(t, dataDir)
	key, err := setup.LoadKey(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	keyBody := strings.Join(strings.Split(strings.TrimSpace(string(key.PrivatePEM)), "\n")[1:3], "")
	secrets := map[string]string{
		"access token": tok.AccessToken, "refresh token": tok.RefreshToken,
		"client secret": srv.DemoApp().ClientSecret, "private key": keyBody,
	}
	seen := printed.String() + doctorOut.String() + out1 + out2 + string(answer) + apiDoctor
	for what, s := range secrets {
		if s != "" && strings.Contains(seen, s) {
			t.Errorf("the %s appears in the output", what)
		}
	}
}

// setConfig replaces text in the config file.
func setConfig(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	text := strings.Replace(string(b), old, new, 1)
	text = regexp.MustCompile(`(?m)^data_dir: .*$`).ReplaceAllString(text, "data_dir: "+filepath.Join(filepath.Dir(path), "data"))
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
