package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TESLAFLEET_DATA_DIR", dir) // no teslafleet.yaml there
	t.Setenv("TESLAFLEET_TESLA_CLIENT_SECRET", "env-s3cret")
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte("listen: 127.0.0.1:9090\ntesla:\n  client_id: cid\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("listen: 127.0.0.1:9090\nhistory:\n  retention: 1 month\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args       []string
		code       int
		out, noOut []string
		stderr     string
	}{
		{args: []string{"config", "check", "--config", good}, code: exitOK,
			out:   []string{"listen: 127.0.0.1:9090\n", "client_id: cid\n", "client_secret: '[redacted]'\n", "data_dir: " + dir + "\n"},
			noOut: []string{"env-s3cret"}},
		{args: []string{"config", "check"}, code: exitOK, out: []string{"(defaults and the environment)", "listen: 127.0.0.1:8080\n"}},
		{args: []string{"config", "check", "--config", bad}, code: exitUsage,
			stderr: "teslafleet: " + bad + `:3: history.retention: invalid duration "1 month" (use s, m, h: 90s, 15m, 720h)` + "\n"},
		{args: []string{"config", "check", "--config", filepath.Join(dir, "none.yaml")}, code: exitUsage,
			stderr: "teslafleet: " + filepath.Join(dir, "none.yaml") + ": cannot read the config file: no such file or directory\n"},
		{args: []string{"config", "example"}, code: exitOK, out: []string{"# teslafleet configuration (teslafleet.yaml).\n", "\nlisten: 127.0.0.1:8080\n", "# data_dir: "}},
		{args: []string{"config", "check", "extra"}, code: exitUsage},
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), tc.args, &out, &errOut)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d; stderr %s", tc.args, code, tc.code, errOut.String())
		}
		for _, want := range tc.out {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: stdout lacks %q:\n%s", tc.args, want, out.String())
			}
		}
		for _, not := range tc.noOut {
			if strings.Contains(out.String()+errOut.String(), not) {
				t.Errorf("%v: output shows %q", tc.args, not)
			}
		}
		if tc.stderr != "" && errOut.String() != tc.stderr {
			t.Errorf("%v: stderr\n%q\nwant\n%q", tc.args, errOut.String(), tc.stderr)
		}
	}
}
