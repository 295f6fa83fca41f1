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

func TestDemoSignsInAndFollowsStates(t *testing.T) {
	out, stop := start(t, "demo", "--interval", "50ms", "--speed", "60")
	waitFor(t, out, regexp.MustCompile(`Signed in as owner@example\.com`))
	waitFor(t, out, regexp.MustCompile(`vehicle  Midnight .*command signing required`))
	waitFor(t, out, regexp.MustCompile(`vehicle  Voyager .*command signing off`))
	waitFor(t, out, regexp.MustCompile(`Midnight +set charge limit 85% +\(signed\) ok`))
	waitFor(t, out, regexp.MustCompile(`Voyager +set charge limit 85% +\(REST\) ok`))
	waitFor(t, out, regexp.MustCompile(`\d\d:\d\d:\d\d  Midnight .* limit 85%`))
	waitFor(t, out, regexp.MustCompile(`\d\d:\d\d:\d\d  Midnight .* battery \d+%`))
	waitFor(t, out, regexp.MustCompile(`\d\d:\d\d:\d\d  Home .* solar .* kW`))
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

// Seeded from Home Assistant's fixtures, the demo runs on that account: its
// "allowed" car takes signed commands once the key is paired, and the site
// without components is skipped.
func TestDemoOnFixtures(t *testing.T) {
	out, stop := start(t, "demo", "--fixtures", "../../testdata/ha", "--interval", "50ms")
	waitFor(t, out, regexp.MustCompile(`vehicle  Test .*command signing allowed`))
	waitFor(t, out, regexp.MustCompile(`site     id 98765 has no battery, solar or wall connector: skipped`))
	waitFor(t, out, regexp.MustCompile(`Test +flash lights +\(signed\) ok`))
	waitFor(t, out, regexp.MustCompile(`\d\d:\d\d:\d\d  Energy Site solar`))
	if code := stop(); code != exitOK {
		t.Fatalf("exit code %d after interrupt, want 0", code)
	}
}

func TestSimFleetSize(t *testing.T) {
	out, stop := start(t, "sim", "--listen", "127.0.0.1:0", "--speed", "0", "--fleet-size", "25", "--seed", "3")
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
		Count int `json:"count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&products); err != nil {
		t.Fatal(err)
	}
	if products.Count != 3+25 {
		t.Errorf("products count %d; want the demo fleet's 3 plus 25 generated", products.Count)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("exit code %d after interrupt, want 0", code)
	}
}
