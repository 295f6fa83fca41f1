package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/world"
	"github.com/teslafleet/teslafleet/internal/store"
)

// lockedBuffer is a bytes.Buffer for one writer and a reader goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitMatch polls out until re matches and returns the first submatch.
func waitMatch(t testing.TB, out *lockedBuffer, re *regexp.Regexp) string {
	t.Helper()
	return waitMatchFor(t, out, re, 20*time.Second)
}

// waitMatchFor is waitMatch with its own deadline.
func waitMatchFor(t testing.TB, out *lockedBuffer, re *regexp.Regexp, wait time.Duration) string {
	t.Helper()
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[len(m)-1]
		}
	}
	t.Fatalf("never matched %s:\n%s", re, out.String())
	return ""
}

// simBrowser is the person's browser: the simulator's person approves the
// consent page, and the browser follows the redirect to the callback.
func simBrowser(srv *sim.Server) func(string) error { return simBrowserAs(srv, DemoAccount) }

// simServeEnv starts a simulator (closed when the test ends) and writes a
// configuration pointing at it; dataDir is serve's (not made yet).
func simServeEnv(t *testing.T) (srv *sim.Server, cfgPath, dataDir string) {
	t.Helper()
	srv, err := sim.Start("127.0.0.1:0", sim.Options{Seed: 1, Speed: 1, WakeDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cfgPath = filepath.Join(dir, "sim.yaml")
	if err := writeSimConfig(cfgPath, srv); err != nil {
		t.Fatal(err)
	}
	return srv, cfgPath, filepath.Join(dir, "data")
}

// runServe starts serve and returns its API's base URL and a stop function
// that returns serve's error and output.
func runServe(t *testing.T, cfgPath, dataDir string, env ...string) (base string, stop func() (string, error)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- RunServe(ctx, ServeOptions{ConfigPath: cfgPath, DataDir: dataDir, Listen: "127.0.0.1:0", APIToken: "test-api-token-0123",
			Env: append([]string{"TESLAFLEET_MQTT_ENABLED=false"}, env...)}, out) // no broker on the fixed port 1883 in tests
	}()
	base = "http://" + waitMatch(t, out, regexp.MustCompile(`REST API at http://(\S+)/api/`))
	return base, func() (string, error) {
		cancel()
		select {
		case err := <-done:
			return out.String(), err
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop")
			return "", nil
		}
	}
}

func apiState(t *testing.T, base, id string) (string, int) {
	t.Helper()
	return apiStateWith(t, base, "test-api-token-0123", id)
}

func apiStateWith(t *testing.T, base, token, id string) (string, int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/states/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct{ State string }
	_ = json.NewDecoder(resp.Body).Decode(&s)
	return s.State, resp.StatusCode
}

// login then serve against the simulator; stopped and started again, serve
// shows the same entities and overrides, a sleeping car's last states
// without a billed call, and the month's cost so far.
func TestLoginServeRestart(t *testing.T) {
	srv, cfgPath, dataDir := simServeEnv(t)

	var loginOut lockedBuffer
	if err := RunLogin(context.Background(), LoginOptions{ConfigPath: cfgPath, DataDir: dataDir, Browser: simBrowser(srv), Wait: 20 * time.Second}, &loginOut); err != nil {
		t.Fatalf("login: %v\n%s", err, loginOut.String())
	}
	if !strings.Contains(loginOut.String(), "Signed in: account ") {
		t.Fatalf("login said:\n%s", loginOut.String())
	}

	base, stop := runServe(t, cfgPath, dataDir)
	level, status := apiState(t, base, "sensor.midnight_battery_level")
	if status != http.StatusOK || level == "" || level == "unknown" || level == "unavailable" {
		t.Fatalf("first run: battery level %q (%d)", level, status)
	}
	out1, err := stop()
	if err != nil {
		t.Fatalf("serve: %v\n%s", err, out1)
	}

	// Between the runs: the owner disables an entity (kept as an override),
	// and the car falls asleep.
	st, err := store.Open(context.Background(), store.Options{Dir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	off := false
	vin := srv.World().AllVINs()[0]
	if err := st.SaveOverride(context.Background(), store.Override{UniqueID: vin + "-charge_state_battery_range", Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := srv.World().SetVehicle(vin, world.VehiclePatch{State: new("asleep")}); err != nil {
		t.Fatal(err)
	}
	billed := srv.Billing().ByVehicle[vin]

	base, stop = runServe(t, cfgPath, dataDir)
	if got, _ := apiState(t, base, "sensor.midnight_battery_level"); got != level {
		t.Errorf("after the restart the sleeping car's battery level is %q, want the last known %q", got, level)
	}
	if _, status := apiState(t, base, "sensor.midnight_battery_range"); status != http.StatusNotFound {
		t.Errorf("the disabled entity answers %d, want 404", status)
	}
	if after := srv.Billing().ByVehicle[vin]; after["data"] != billed["data"] || after["wakes"] != billed["wakes"] {
		t.Errorf("restarting billed the sleeping car %v → %v: it was read or woken", billed, after)
	}
	out2, err := stop()
	if err != nil {
		t.Fatalf("serve: %v\n%s", err, out2)
	}
	// The month's cost carries over: the second run's total includes the first's.
	re := regexp.MustCompile(`Fleet API usage: (\d+) data`)
	first, second := re.FindStringSubmatch(out1), re.FindStringSubmatch(out2)
	if first == nil || second == nil {
		t.Fatalf("no cost line:\n%s\n%s", out1, out2)
	}
	n1, _ := strconv.Atoi(first[1])
	n2, _ := strconv.Atoi(second[1])
	if n1 == 0 || n2 <= n1 {
		t.Errorf("data requests: first run %d, second %d (want the second to include the first's and its own)", n1, n2)
	}
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func newRequest(url, token string) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return req, nil
}

// With a paired command key, serve's signed sessions are kept in the store:
// after a restart the next signed command needs no new handshake.
func TestSignedSessionsSurviveRestart(t *testing.T) {
	srv, err := sim.Start("127.0.0.1:0", sim.Options{Seed: 1, Speed: 1, WakeDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	cfgPath, dataDir := filepath.Join(dir, "sim.yaml"), filepath.Join(dir, "data")
	if err := writeSimConfig(cfgPath, srv); err != nil {
		t.Fatal(err)
	}
	if err := RunLogin(context.Background(), LoginOptions{ConfigPath: cfgPath, DataDir: dataDir, Browser: simBrowser(srv), Wait: 20 * time.Second}, io.Discard); err != nil {
		t.Fatal(err)
	}
	// The command key, paired with the signed-only car (the setup issue
	// will make and pair it; here the owner did).
	keys, err := setup.NewKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, setup.PrivateKeyFile), keys.PrivatePEM, 0o600); err != nil {
		t.Fatal(err)
	}
	vin := srv.World().AllVINs()[0] // Midnight: signed commands only
	block, _ := pem.Decode(keys.PublicPEM)
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ecdhPub, err := pub.(*ecdsa.PublicKey).ECDH()
	if err != nil {
		t.Fatal(err)
	}
	car, ok := srv.Car(vin)
	if !ok {
		t.Fatal("no car")
	}
	if err := car.AddKey(ecdhPub.Bytes()); err != nil {
		t.Fatal(err)
	}

	call := func(base, service string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/api/services/switch/"+service, strings.NewReader(`{"entity_id":"switch.midnight_sentry_mode"}`))
		req.Header.Set("Authorization", "Bearer test-api-token-0123")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("switch.%s: %d %s", service, resp.StatusCode, b)
		}
	}
	base, stop := runServe(t, cfgPath, dataDir)
	call(base, "turn_on")
	if _, err := stop(); err != nil {
		t.Fatal(err)
	}
	handshakes := car.Stats().Handshakes
	if handshakes == 0 {
		t.Fatal("the first signed command made no handshake")
	}
	base, stop = runServe(t, cfgPath, dataDir)
	call(base, "turn_off")
	if _, err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := car.Stats().Handshakes; got != handshakes {
		t.Errorf("the signed command after the restart made %d new handshakes, want 0", got-handshakes)
	}
	if got := path(mustVehicleData(t, srv, vin), "vehicle_state", "sentry_mode"); got != false {
		t.Errorf("sentry_mode %v after turn_off", got)
	}
}

func mustVehicleData(t *testing.T, srv *sim.Server, vin string) map[string]any {
	t.Helper()
	acct := srv.World().Accounts()[0]
	d, err := srv.World().VehicleData(acct.ID, vin, world.DataQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A re-login as another Tesla account is refused and changes nothing; a
// re-login as the same account repairs it, keeping everything else.
func TestReloginAsAnotherAccountIsRefused(t *testing.T) {
	srv, err := sim.Start("127.0.0.1:0", sim.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	other := srv.World().AddAccount("someone@example.com", "NA")
	dir := t.TempDir()
	cfgPath, dataDir := filepath.Join(dir, "sim.yaml"), filepath.Join(dir, "data")
	if err := writeSimConfig(cfgPath, srv); err != nil {
		t.Fatal(err)
	}
	login := func(account, as string) error {
		return RunLogin(context.Background(), LoginOptions{ConfigPath: cfgPath, DataDir: dataDir, Account: account,
			Browser: simBrowserAs(srv, as), Wait: 20 * time.Second}, io.Discard)
	}
	if err := login("", DemoAccount); err != nil {
		t.Fatal(err)
	}
	owner := srv.World().Accounts()[0].ID
	before := storedTokens(t, dataDir)

	err = login(owner, "someone@example.com")
	if !errors.Is(err, ErrAccountMismatch) {
		t.Fatalf("re-login as another account: %v", err)
	}
	after := storedTokens(t, dataDir)
	if len(after) != 1 || after[owner] != before[owner] {
		t.Errorf("a refused re-login changed the store: %v → %v", before, after)
	}
	if _, ok := after[other.ID]; ok {
		t.Error("the other account was added")
	}
	if err := login(owner, DemoAccount); err != nil {
		t.Fatalf("re-login as the same account: %v", err)
	}
	if again := storedTokens(t, dataDir); again[owner] == before[owner] || len(again) != 1 {
		t.Errorf("re-login as the same account: %v", again)
	}
}

// storedTokens maps each stored account to its refresh token.
func storedTokens(t *testing.T, dataDir string) map[string]string {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Dir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accts, err := st.Accounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range accts {
		tok, err := st.Token(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[a.ID] = tok.RefreshToken
	}
	return out
}

func simBrowserAs(srv *sim.Server, account string) func(string) error {
	return func(authURL string) error {
		go func() {
			redirect, err := srv.ApproveConsent(context.Background(), http.DefaultClient, authURL, sim.Consent{Account: account})
			if err != nil {
				return
			}
			if resp, err := http.Get(redirect); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
}

// currentToken is the stored token of the only account.
func currentToken(t *testing.T, dataDir string) store.Token {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Dir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accts, err := st.Accounts(context.Background())
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts %v: %v", accts, err)
	}
	tok, err := st.Token(context.Background(), accts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// httputilProxy forwards to u.
func httputilProxy(u *url.URL) http.Handler { return httputil.NewSingleHostReverseProxy(u) }
