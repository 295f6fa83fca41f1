package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// runCLI runs one CLI command to its end.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// The token commands work on the store while the service runs; the REST
// clients use a made token until it is revoked, and fail with one clear
// line when the service is not there.
func TestTokensAndClients(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TESLAFLEET_SERVER", "")
	t.Setenv("TESLAFLEET_TOKEN", "")
	out, stop := start(t, "demo", "--fixtures", "../../testdata/ha", "--speed", "0", "--api-token", "configured-token-0123",
		"--listen", "127.0.0.1:0", "--data", dir)
	base := waitFor(t, out, regexp.MustCompile(`REST API at (http://\S+)/api/`))
	defer stop()

	code, created, errs := runCLI("token", "create", "phone", "--data", dir)
	if code != exitOK {
		t.Fatalf("token create: %d %s", code, errs)
	}
	tok := regexp.MustCompile(`(?m)^([0-9a-f]{64})$`).FindString(created)
	if tok == "" {
		t.Fatalf("token create printed no token:\n%s", created)
	}
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string // a regexp the output must match
		stderr string
	}{
		{"list", []string{"token", "list", "--data", dir}, exitOK, `(?m)^1  phone  created \S+ \S+  never used$`, ""},
		{"states", []string{"states", "--server", base, "--token", tok}, exitOK, `(?m)^lock\.test_lock  unlocked$`, ""},
		{"one state", []string{"states", "lock.test_lock", "--server", base, "--token", tok}, exitOK, `(?s)^lock\.test_lock  unlocked\n.*  friendly_name: "Test Lock"`, ""},
		{"unknown entity", []string{"states", "lock.nope", "--server", base, "--token", tok}, exitFailure, `^$`, `no entity lock.nope`},
		{"configured token", []string{"states", "lock.test_lock", "--server", base, "--token", "configured-token-0123"}, exitOK, `lock\.test_lock  unlocked`, ""},
		{"call", []string{"call", "lock.lock", "lock.test_lock", "--server", base, "--token", tok}, exitOK, `(?m)^lock\.test_lock  locked$`, ""},
		{"call with data", []string{"call", "number.set_value", "number.test_charge_limit", "value=80", "--server", base, "--token", tok}, exitOK, `number\.test_charge_limit  80`, ""},
		{"call out of range", []string{"call", "number.set_value", "number.test_charge_limit", "value=20", "--server", base, "--token", tok}, exitFailure, `^$`,
			`Value 20.0 for number.test_charge_limit is outside valid range 50 - 100 \(HTTP 400\)`},
		{"call bad argument", []string{"call", "lock.lock", "lock.test_lock", "nonsense"}, exitUsage, `^$`, `argument "nonsense": want key=value`},
		{"cost", []string{"cost", "--server", base, "--token", tok}, exitOK, `(?m)^\d{4}-\d{2}: \$[\d.]+ before the monthly credit`, ""},
		{"used", []string{"token", "list", "--data", dir}, exitOK, `(?m)^1  phone  created \S+ \S+  last used `, ""},
		{"revoke", []string{"token", "revoke", "1", "--data", dir}, exitOK, `Revoked API token 1\.`, ""},
		{"revoked token", []string{"states", "--server", base, "--token", tok}, exitFailure, `^$`, `^teslafleet: the API token was refused`},
		{"revoke again", []string{"token", "revoke", "1", "--data", dir}, exitFailure, `^$`, `no API token 1`},
		{"no token", []string{"states", "--server", base}, exitFailure, `^$`, `no API token: pass --token or set TESLAFLEET_TOKEN`},
		{"not running", []string{"states", "--server", "http://127.0.0.1:1", "--token", tok}, exitFailure, `^$`,
			`^teslafleet: cannot connect: is teslafleet serve running at http://127.0.0.1:1\?\n$`},
	}
	for _, s := range steps {
		code, stdout, stderr := runCLI(s.args...)
		if code != s.code {
			t.Errorf("%s: exit %d, want %d (%s%s)", s.name, code, s.code, stdout, stderr)
		}
		if !regexp.MustCompile(s.stdout).MatchString(stdout) {
			t.Errorf("%s: stdout %q, want /%s/", s.name, stdout, s.stdout)
		}
		if s.stderr != "" && !regexp.MustCompile(s.stderr).MatchString(stderr) {
			t.Errorf("%s: stderr %q, want /%s/", s.name, stderr, s.stderr)
		}
	}
	// The history the service recorded reaches the REST API: the state at
	// the start, then the call's change.
	req, _ := http.NewRequest("GET", base+"/api/history/period?filter_entity_id=lock.test_lock&minimal_response", nil)
	req.Header.Set("Authorization", "Bearer configured-token-0123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !regexp.MustCompile(`^\[\[\{"entity_id":"lock.test_lock","state":"unlocked",.*\},\{"state":"locked","last_changed":"[^"]+"\}\]\]$`).Match(body) {
		t.Errorf("history: %d %s", resp.StatusCode, body)
	}
	// The environment works as the flags do.
	t.Setenv("TESLAFLEET_SERVER", base)
	t.Setenv("TESLAFLEET_TOKEN", "configured-token-0123")
	if code, stdout, stderr := runCLI("states", "lock.test_lock"); code != exitOK || !strings.HasPrefix(stdout, "lock.test_lock") {
		t.Errorf("from the environment: %d %s %s", code, stdout, stderr)
	}
}
