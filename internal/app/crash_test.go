package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/store"
)

// TestMain runs `serve` as a child process when asked (the crash tests
// kill it with SIGKILL), and the tests otherwise.
func TestMain(m *testing.M) {
	if os.Getenv("TESLAFLEET_TEST_SERVE_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := RunServe(ctx, ServeOptions{
			ConfigPath: os.Getenv("TESLAFLEET_TEST_CONFIG"), Listen: "127.0.0.1:0",
			APIToken: os.Getenv("TESLAFLEET_TEST_API_TOKEN"), Env: []string{"TESLAFLEET_MQTT_ENABLED=false"},
		}, os.Stdout)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is a serve process.
type child struct {
	cmd  *exec.Cmd
	out  *lockedBuffer // stdout and stderr
	base string
}

func startChild(t *testing.T, cfgPath, apiToken string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TESLAFLEET_TEST_SERVE_CHILD=1", "TESLAFLEET_TEST_CONFIG="+cfgPath, "TESLAFLEET_TEST_API_TOKEN="+apiToken)
	c := &child{cmd: cmd, out: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	c.base = "http://" + waitMatch(t, c.out, regexp.MustCompile(`REST API at http://(\S+)/api/`))
	return c
}

func (c *child) kill9(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

// crashEnv is a simulator, a config pointing at it (polling every second),
// and an account signed in with `login`.
type crashEnv struct {
	srv      *sim.Server
	cfgPath  string
	dataDir  string
	apiToken string
}

func newCrashEnv(t *testing.T) *crashEnv {
	t.Helper()
	srv, err := sim.Start("127.0.0.1:0", sim.Options{Seed: 1, Speed: 1, WakeDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	e := &crashEnv{srv: srv, cfgPath: filepath.Join(dir, "sim.yaml"), dataDir: filepath.Join(dir, "data"), apiToken: "crash-api-token-0123456789"}
	if err := writeSimConfig(e.cfgPath, srv); err != nil {
		t.Fatal(err)
	}
	// Poll every second, and keep the data in the test's directory.
	f, err := os.OpenFile(e.cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(e.cfgPath)
	f.Close()
	text := strings.Replace(string(b), "  interval: 0s", "  interval: 1s", 1)
	text = regexp.MustCompile(`(?m)^data_dir: .*$`).ReplaceAllString(text, "data_dir: "+e.dataDir)
	if err := os.WriteFile(e.cfgPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	if err := RunLogin(context.Background(), LoginOptions{ConfigPath: e.cfgPath, Browser: simBrowser(srv), Wait: 20 * time.Second}, &out); err != nil {
		t.Fatalf("login: %v\n%s", err, out.String())
	}
	return e
}

// tokens reads the account's current tokens from the store (no serve may
// run).
func (e *crashEnv) tokens(t *testing.T) store.Token {
	t.Helper()
	return currentToken(t, e.dataDir)
}

// expireAccessToken moves the simulated clock past the access token's 8 h,
// so serve's next call gets a 401 and refreshes.
func (e *crashEnv) expireAccessToken() { e.srv.World().Advance(9 * time.Hour) }

func (e *crashEnv) refreshes() int { return e.srv.OAuth().Stats()[oauth.StatRefreshes] }

// Serve killed with SIGKILL at each step of a token refresh restarts with a
// token that works: Tesla's refresh tokens are single use, so the rotated
// token must be committed before it is used, and a token used but not yet
// committed must still be the most recent one Tesla knows.
func TestKill9DuringTokenRefresh(t *testing.T) {
	steps := []struct {
		name string
		// kill waits for the step, then kills the child.
		kill func(t *testing.T, e *crashEnv, c *child, before int)
	}{
		{"before Tesla answers", func(t *testing.T, e *crashEnv, c *child, _ int) {
			// The token endpoint holds the request: it has not been used.
			if err := e.srv.AddFault(sim.Fault{Method: "POST", Path: "/oauth2/v3/token", Latency: "30s"}); err != nil {
				t.Fatal(err)
			}
			e.expireAccessToken()
			waitFor(t, func() bool { return len(e.srv.Faults()) == 0 }) // the request is in the fault's latency
			c.kill9(t)
			e.srv.ClearFaults()
		}},
		{"right after Tesla answered", func(t *testing.T, e *crashEnv, c *child, before int) {
			e.expireAccessToken()
			waitFor(t, func() bool { return e.refreshes() > before })
			c.kill9(t) // most likely before the commit; either way must work
		}},
		{"after the commit", func(t *testing.T, e *crashEnv, c *child, before int) {
			e.expireAccessToken()
			waitFor(t, func() bool { return e.refreshes() > before })
			time.Sleep(500 * time.Millisecond)
			c.kill9(t)
		}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			e := newCrashEnv(t)
			c := startChild(t, e.cfgPath, e.apiToken)
			step.kill(t, e, c, e.refreshes())

			dead := e.srv.OAuth().Stats()[oauth.StatLoginRequired]
			c = startChild(t, e.cfgPath, e.apiToken)
			// The restarted serve reads the car: its token works (refreshing
			// it if needed) and Tesla refused no refresh token.
			waitFor(t, func() bool {
				s, status := apiStateWith(t, c.base, e.apiToken, "sensor.midnight_battery_level")
				return status == 200 && s != "unavailable" && s != "unknown"
			})
			e.expireAccessToken()
			before := e.refreshes()
			waitFor(t, func() bool { return e.refreshes() > before })
			time.Sleep(300 * time.Millisecond)
			if got := e.srv.OAuth().Stats()[oauth.StatLoginRequired]; got != dead {
				t.Fatalf("Tesla refused %d refresh tokens after the restart:\n%s", got-dead, c.out.String())
			}
			if s, _ := apiStateWith(t, c.base, e.apiToken, "sensor.midnight_battery_level"); s == "unavailable" {
				t.Fatalf("entities unavailable after the restart:\n%s", c.out.String())
			}
			c.kill9(t)
		})
	}
}

// After an end-to-end run no secret appears in clear: not in the
// database, its WAL, the logs, or the API's answers.
func TestNoSecretInClear(t *testing.T) {
	e := newCrashEnv(t)
	secrets := map[string]string{"api token": e.apiToken, "client secret": e.srv.DemoApp().ClientSecret}
	first := e.tokens(t)
	secrets["first access token"], secrets["first refresh token"] = first.AccessToken, first.RefreshToken
	c := startChild(t, e.cfgPath, e.apiToken)
	var answers strings.Builder
	for _, path := range []string{"/api/", "/api/states", "/api/services", "/api/states/sensor.midnight_battery_level"} {
		answers.WriteString(apiGet(t, c.base, path, e.apiToken))
	}
	e.expireAccessToken()
	before := e.refreshes()
	waitFor(t, func() bool { return e.refreshes() > before })
	time.Sleep(300 * time.Millisecond)
	answers.WriteString(apiGet(t, c.base, "/api/states", e.apiToken))
	// Stop it hard, so that the WAL is still there to be read.
	c.kill9(t)
	files := map[string][]byte{"serve's output": []byte(c.out.String()), "API answers": []byte(answers.String())}
	entries, _ := os.ReadDir(e.dataDir)
	for _, en := range entries {
		if en.Name() == store.KeyFile || en.Name() == apiTokenFile {
			continue // the key and the generated API token are secrets' own files, 0600
		}
		b, err := os.ReadFile(filepath.Join(e.dataDir, en.Name()))
		if err == nil {
			files[en.Name()] = b
		}
	}
	if _, ok := files[store.DBFile+"-wal"]; !ok {
		t.Logf("no WAL file left (files: %v)", entries)
	}
	last := e.tokens(t)
	secrets["last access token"], secrets["last refresh token"] = last.AccessToken, last.RefreshToken
	if last.RefreshToken == first.RefreshToken {
		t.Fatal("the token was never refreshed; the scan would miss the rotated one")
	}
	for where, b := range files {
		for what, s := range secrets {
			if s != "" && strings.Contains(string(b), s) {
				t.Errorf("%s appears in clear in %s", what, where)
			}
		}
	}
}

func apiGet(t *testing.T, base, path, token string) string {
	t.Helper()
	req, _ := newRequest(base+path, token)
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(bufio.NewReader(resp.Body))
	return string(b)
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("timed out")
}
