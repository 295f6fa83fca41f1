package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the CLI in the background; stop cancels it and returns its exit code.
func start(t *testing.T, args ...string) (out *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	code := make(chan int, 1)
	go func() { code <- run(ctx, args, out, io.Discard) }()
	return out, func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(10 * time.Second):
			t.Fatal("the command did not stop after cancellation")
			return -1
		}
	}
}

// waitFor polls out until re matches, and returns the first submatch.
func waitFor(t *testing.T, out *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			if len(m) > 1 {
				return m[1]
			}
			return m[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("output never matched %s; got:\n%s", re, out.String())
	return ""
}

func TestSimServesTheDemoFleet(t *testing.T) {
	out, stop := start(t, "sim", "--listen", "127.0.0.1:0", "--speed", "0")
	base := waitFor(t, out, regexp.MustCompile(`Fleet API NA: (http://127\.0\.0\.1:\d+)`))

	resp, err := http.Post(base+"/_sim/tokens", "application/json", strings.NewReader(`{"account":"owner@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v %+v", err, tok)
	}
	resp.Body.Close()

	req, _ := http.NewRequest(http.MethodGet, base+"/api/1/products", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var products struct {
		Response []map[string]any `json:"response"`
		Count    int              `json:"count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&products); err != nil {
		t.Fatal(err)
	}
	var vins []string
	sites := 0
	for _, p := range products.Response {
		if vin, ok := p["vin"].(string); ok {
			vins = append(vins, vin)
		}
		if _, ok := p["energy_site_id"]; ok {
			sites++
		}
	}
	if resp.StatusCode != http.StatusOK || len(vins) != 2 || sites != 1 || products.Count != 3 {
		t.Fatalf("products: status %d, vins %v, sites %d, count %d", resp.StatusCode, vins, sites, products.Count)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("exit code %d after interrupt, want 0", code)
	}
}

// getState reads one entity's state from the demo's REST API.
func getState(t *testing.T, base, token, id string) (state string, status int) {
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

// waitState polls an entity until it has the state.
func waitState(t *testing.T, base, token, id, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	got := ""
	for time.Now().Before(deadline) {
		if got, _ = getState(t, base, token, id); got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s stayed %q, want %q", id, got, want)
}

// The demo signs in, sends its few commands, and then serves the demo
// fleet's entities; a service call reaches the simulated car.
func TestDemoServesTheFleet(t *testing.T) {
	out, stop := start(t, "demo", "--listen", "127.0.0.1:0", "--mqtt-listen", "127.0.0.1:0", "--api-token", "T", "--interval", "100ms", "--speed", "60")
	waitFor(t, out, regexp.MustCompile(`Signed in as owner@example\.com`))
	waitFor(t, out, regexp.MustCompile(`vehicle  Midnight .*command signing required`))
	waitFor(t, out, regexp.MustCompile(`Midnight +set charge limit 85% +\(signed\) ok`))
	waitFor(t, out, regexp.MustCompile(`Voyager +set charge limit 85% +\(REST\) ok`))
	base := waitFor(t, out, regexp.MustCompile(`REST API at (http://\S+)/api/`))

	if _, status := getState(t, base, "wrong", "sensor.midnight_battery_level"); status != http.StatusUnauthorized {
		t.Errorf("a wrong token: status %d", status)
	}
	// The charge limit the demo set reaches the entity on the next refresh.
	waitState(t, base, "T", "number.midnight_charge_limit", "85")

	// switch.turn_on on sentry mode changes the simulated car (Midnight takes
	// only signed commands, its clock running at 60×): the optimistic
	// state first, then the car's own on the next refresh.
	req, _ := http.NewRequest(http.MethodPost, base+"/api/services/switch/turn_on", strings.NewReader(`{"entity_id":"switch.midnight_sentry_mode"}`))
	req.Header.Set("Authorization", "Bearer T")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"state":"on"`) {
		t.Fatalf("switch.turn_on: %d %s", resp.StatusCode, body)
	}
	waitState(t, base, "T", "switch.midnight_sentry_mode", "on")

	if code := stop(); code != exitOK {
		t.Fatalf("exit code %d after interrupt, want 0", code)
	}
	waitFor(t, out, regexp.MustCompile(`Fleet API usage: [1-9]\d* data`))
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"sim", "--no-such-flag"},
		{"sim", "extra"},
		{"sim", "--resolve", "nodomain"},
		{"demo", "--speed", "fast"},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, io.Discard, &stderr); code != exitUsage {
			t.Errorf("%v: exit code %d, want %d (stderr %q)", args, code, exitUsage, stderr.String())
		}
		if !strings.HasPrefix(stderr.String(), "teslafleet: ") {
			t.Errorf("%v: stderr %q does not start with one clear line", args, stderr.String())
		}
	}
}

func TestParseResolve(t *testing.T) {
	m, err := parseResolve([]string{"Example.com=127.0.0.1:9000", "b.test=https://127.0.0.1:9443/"})
	if err != nil {
		t.Fatal(err)
	}
	if m["example.com"] != "http://127.0.0.1:9000" || m["b.test"] != "https://127.0.0.1:9443" {
		t.Fatalf("parseResolve = %v", m)
	}
}

// Seeded from Home Assistant's fixtures with every entity enabled, the demo
// serves the integration's entities with its ids and states, and sends no
// commands of its own.
func TestDemoOnFixtures(t *testing.T) {
	out, stop := start(t, "demo", "--fixtures", "../../testdata/ha", "--speed", "0", "--all-entities",
		"--api-token", "T", "--listen", "127.0.0.1:0")
	waitFor(t, out, regexp.MustCompile(`vehicle  Test .*command signing allowed`))
	waitFor(t, out, regexp.MustCompile(`site     id 98765 has no battery, solar or wall connector: skipped`))
	base := waitFor(t, out, regexp.MustCompile(`REST API at (http://\S+)/api/`))
	for id, want := range map[string]string{
		"sensor.test_battery_level":       "77",       // charge_state.battery_level
		"lock.test_lock":                  "unlocked", // vehicle_state.locked false
		"sensor.test_battery_range":       "429.48563328000006",
		"sensor.energy_site_solar_power":  "1.185",
		"select.energy_site_allow_export": "pv_only",
	} {
		if got, status := getState(t, base, "T", id); got != want {
			t.Errorf("%s = %q (status %d), want %q", id, got, status, want)
		}
	}
	if strings.Contains(out.String(), "flash lights") {
		t.Errorf("the demo sent commands on fixtures:\n%s", out.String())
	}
	if code := stop(); code != exitOK {
		t.Fatalf("exit code %d after interrupt, want 0", code)
	}
}
