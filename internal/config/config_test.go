package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/example.golden")

func TestExampleGolden(t *testing.T) {
	golden := filepath.Join("testdata", "example.golden")
	if *update {
		if err := os.WriteFile(golden, Example(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Example(), want) {
		t.Errorf("Example() differs from %s (go test ./internal/config -run Golden -update):\n%s", golden, Example())
	}
}

// TestExampleIsDefault: the example file loads to exactly Default(), and it
// names every key (data_dir as a comment).
func TestExampleIsDefault(t *testing.T) {
	path := writeFile(t, string(Example()))
	got, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, Default()) {
		t.Errorf("example loads to\n%#v\nwant Default()\n%#v", got, Default())
	}
	d := decoder{file: path, lines: map[string]int{}}
	c := Default()
	if err := d.decodeFile(Example(), reflect.ValueOf(&c).Elem()); err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		if _, ok := d.lines[k.Path]; !ok && k.Path != "data_dir" {
			t.Errorf("the example lacks %s", k.Path)
		}
	}
	if !bytes.Contains(Example(), []byte("# data_dir: ")) {
		t.Error("the example does not show data_dir")
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
	c, err := Load("", nil)
	if err != nil || !reflect.DeepEqual(c, Default()) {
		t.Fatalf("Load(\"\", nil) = %+v, %v", c, err)
	}
}

func TestDefaultDataDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg")
	if got := Default().DataDir; got != "/xdg/teslafleet" {
		t.Errorf("with XDG_DATA_HOME: %s", got)
	}
	t.Setenv("XDG_DATA_HOME", "relative") // not absolute: ignored (XDG spec)
	t.Setenv("HOME", "/home/u")
	if got := Default().DataDir; got != "/home/u/.local/share/teslafleet" {
		t.Errorf("without XDG_DATA_HOME: %s", got)
	}
}

func TestLoadFileAndEnvironment(t *testing.T) {
	path := writeFile(t, `
listen: 0.0.0.0:9000
units: imperial
api_tokens: [abcdefghijklmnop, "qrstuvwxyz0123456"]
log: {level: debug}
tesla:
  client_id: cid
  client_secret: file-secret
  domain: app.example.com
  auth:
    cn: {token_url: "http://127.0.0.1:4443/cn/token"}
  fleet_api:
    eu: http://127.0.0.1:4444
polling:
  enabled: false
  interval: 90s
history:
  retention: 24h
  queue:       # null keeps the default
`)
	env := []string{
		"HOME=/ignored",
		"TESLAFLEET_LISTEN=127.0.0.1:7000",
		"TESLAFLEET_TESLA_CLIENT_SECRET=env-secret",
		"TESLAFLEET_HISTORY_RETENTION=48h",
		"TESLAFLEET_API_TOKENS=tok-aaaaaaaaaaaaaaaa, tok-bbbbbbbbbbbbbbbb",
		"TESLAFLEET_TESLA_AUTH_NA_AUTHORIZE_URL=http://sim/authorize",
		"TESLAFLEET_POLLING_ENABLED=true",
		"TESLAFLEET_UNITS=", // empty: ignored
		"TESLAFLEET_CONFIG=" + path,
	}
	c, err := Load(path, env)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Listen = "127.0.0.1:7000"
	want.Units = UnitsImperial
	want.APITokens = []Secret{"tok-aaaaaaaaaaaaaaaa", "tok-bbbbbbbbbbbbbbbb"}
	want.Log.Level = LevelDebug
	want.Tesla.ClientID = "cid"
	want.Tesla.ClientSecret = "env-secret"
	want.Tesla.Domain = "app.example.com"
	want.Tesla.Auth.CN.TokenURL = "http://127.0.0.1:4443/cn/token"
	want.Tesla.Auth.NA.AuthorizeURL = "http://sim/authorize"
	want.Tesla.FleetAPI.EU = "http://127.0.0.1:4444"
	want.Polling = Polling{Enabled: true, Interval: 90 * time.Second}
	want.History.Retention = 48 * time.Hour
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got\n%#v\nwant\n%#v", c, want)
	}
	if c.Tesla.ClientSecret.Reveal() != "env-secret" || strings.Join(Reveal(c.APITokens), ",") != "tok-aaaaaaaaaaaaaaaa,tok-bbbbbbbbbbbbbbbb" {
		t.Error("Reveal")
	}
	if m := c.Tesla.FleetAPI.Map(); m["EU"] != "http://127.0.0.1:4444" || m["NA"] != want.Tesla.FleetAPI.NA || len(m) != 3 {
		t.Errorf("Map = %v", m)
	}
	if c.Log.Level.Slog() != slog.LevelDebug || Level("x").Slog() != slog.LevelInfo {
		t.Error("Slog")
	}
}

// TestScalarForms: durations may be a bare 0, booleans take Go's forms,
// anchors and aliases resolve, an empty file is the defaults.
func TestScalarForms(t *testing.T) {
	path := writeFile(t, "polling: {interval: 0, enabled: FALSE}\nx-url: &u http://sim:1\ntesla:\n  fleet_api: {na: *u}\n")
	if _, err := Load(path, nil); err == nil || err.Error() != path+":2: x-url: unknown key" {
		t.Errorf("anchor on an unknown key: %v", err)
	}
	c, err := Load(writeFile(t, "polling: {interval: 0, enabled: FALSE}\ntesla:\n  fleet_api: {na: &u http://sim:1, eu: *u}\n"), nil)
	if err != nil || c.Polling != (Polling{}) || c.Tesla.FleetAPI.EU != "http://sim:1" {
		t.Errorf("Load = %+v, %v", c, err)
	}
	for _, empty := range []string{"", "# only a comment\n", "---\n"} {
		if c, err := Load(writeFile(t, empty), nil); err != nil || !reflect.DeepEqual(c, Default()) {
			t.Errorf("%q: %+v, %v", empty, c, err)
		}
	}
}

func TestEveryKeyHasAVariable(t *testing.T) {
	keys := Keys()
	if len(keys) != 38 {
		t.Errorf("%d keys: %v", len(keys), keys)
	}
	for _, k := range keys {
		if want := "TESLAFLEET_" + strings.ToUpper(strings.ReplaceAll(k.Path, ".", "_")); k.Env != want {
			t.Errorf("%s: %s", k.Path, k.Env)
		}
	}
	// Every variable sets its key: a bad value is an error naming it.
	for _, k := range keys {
		_, err := Load("", []string{k.Env + "=:bad value:"})
		var e *Error
		if k.Path == "tesla.client_id" || k.Path == "tesla.client_secret" || k.Path == "data_dir" { // any text will do
			if err != nil {
				t.Errorf("%s: %v", k.Env, err)
			}
			continue
		}
		if !errors.As(err, &e) || e.Env != k.Env || !strings.HasPrefix(err.Error(), k.Env+": ") {
			t.Errorf("%s: %v", k.Env, err)
		}
	}
}

func TestBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		env        []string
		want       string
	}{
		{"unknown key", "listen: :80\n\ntesla:\n  client_secre: x\n", nil,
			"teslafleet.yaml:4: tesla.client_secre: unknown key (did you mean client_secret?)"},
		{"unknown top-level key", "listen: :80\nfoo: 1\n", nil,
			"teslafleet.yaml:2: foo: unknown key"},
		{"duplicate key", "units: metric\nunits: imperial\n", nil,
			"teslafleet.yaml:2: units: duplicate key (first at line 1)"},
		{"bad duration", "history:\n  retention: 30d\n", nil,
			`teslafleet.yaml:2: history.retention: invalid duration "30d" (use s, m, h: 90s, 15m, 720h)`},
		{"bad number", "history:\n  queue: lots\n", nil,
			`teslafleet.yaml:2: history.queue: want a whole number, got "lots"`},
		{"bad bool", "polling:\n  enabled: sometimes\n", nil,
			`teslafleet.yaml:2: polling.enabled: want true or false, got "sometimes"`},
		{"out of range", "history:\n  queue: 0\n", nil,
			"teslafleet.yaml:2: history.queue: 0 is out of range (1 to 1048576)"},
		{"negative retention", "history:\n  retention: -1h\n", nil,
			"teslafleet.yaml:2: history.retention: -1h is out of range (0 keeps history forever, or a positive duration)"},
		{"acme without a domain", "hosting:\n  acme: true\n", nil,
			"teslafleet.yaml:2: hosting.acme: needs tesla.domain: the certificate is for the app's domain"},
		{"bad https listen", "hosting:\n  https_listen: 443\n", nil,
			`teslafleet.yaml:2: hosting.https_listen: invalid address "443" (want host:port, e.g. 127.0.0.1:8080 or :8080)`},
		{"interval too short", "polling: {interval: 10ms}\n", nil,
			"teslafleet.yaml:1: polling.interval: 10ms is out of range (0 for the integration's cadence, or 1s to 24h)"},
		{"bad URL", "tesla:\n  fleet_api:\n    eu: fleet-api.example.com\n", nil,
			`teslafleet.yaml:3: tesla.fleet_api.eu: invalid URL "fleet-api.example.com": want http:// or https://`},
		{"URL with query", "tesla:\n  auth:\n    na:\n      token_url: https://x/token?a=1\n", nil,
			`teslafleet.yaml:4: tesla.auth.na.token_url: invalid URL "https://x/token?a=1": no query, fragment or user info allowed`},
		{"empty URL", "tesla:\n  redirect_url: ''\n", nil,
			"teslafleet.yaml:2: tesla.redirect_url: must not be empty (want an http:// or https:// URL)"},
		{"bad units", "units: furlongs\n", nil,
			`teslafleet.yaml:1: units: unknown units "furlongs" (metric or imperial)`},
		{"bad log level", "log:\n  level: verbose\n", nil,
			`teslafleet.yaml:2: log.level: unknown level "verbose" (debug, info, warn or error)`},
		{"bad log format", "log: {format: xml}\n", nil,
			`teslafleet.yaml:1: log.format: unknown format "xml" (text or json)`},
		{"bad region key", "tesla:\n  fleet_api:\n    us: https://x\n", nil,
			`teslafleet.yaml:3: tesla.fleet_api.us: unknown region "us" (na, eu or cn)`},
		{"bad auth region key", "tesla:\n  auth:\n    apac: {token_url: https://x}\n", nil,
			`teslafleet.yaml:3: tesla.auth.apac: unknown region "apac" (na, eu or cn)`},
		{"bad listen", "listen: localhost\n", nil,
			`teslafleet.yaml:1: listen: invalid address "localhost" (want host:port, e.g. 127.0.0.1:8080 or :8080)`},
		{"bad port", "listen: ':99999'\n", nil,
			`teslafleet.yaml:1: listen: invalid port "99999" (0 to 65535)`},
		{"short API token", "api_tokens:\n  - long-enough-token-1\n  - short\n", nil,
			"teslafleet.yaml:3: api_tokens[1]: too short: an API token needs at least 16 characters"},
		{"list for a string", "listen: [a, b]\n", nil,
			`teslafleet.yaml:1: listen: want a single value, got a list`},
		{"string for a list", "api_tokens: abc\n", nil,
			`teslafleet.yaml:1: api_tokens: want a list, got "abc"`},
		{"string for a mapping", "tesla: yes\n", nil,
			`teslafleet.yaml:1: tesla: want a mapping of keys (client_id, client_secret, redirect_url, domain, auth, fleet_api), got "yes"`},
		{"bad domain", "tesla:\n  domain: https://app.example.com/\n", nil,
			`teslafleet.yaml:2: tesla.domain: invalid domain "https://app.example.com/" (want a host name such as example.com, without https:// or a path)`},
		{"not a mapping", "- a\n- b\n", nil,
			"teslafleet.yaml:1: the file must be a mapping of keys (data_dir: …, listen: …)"},
		{"syntax", "listen: :80\n  units: metric\n", nil,
			"teslafleet.yaml:2: invalid YAML: mapping values are not allowed in this context"},
		{"two documents", "listen: :80\n---\nunits: metric\n", nil,
			"teslafleet.yaml:2: a second YAML document: the file must hold one"},
		{"bad env duration", "", []string{"TESLAFLEET_HISTORY_RETENTION=a month"},
			`TESLAFLEET_HISTORY_RETENTION: history.retention: invalid duration "a month" (use s, m, h: 90s, 15m, 720h)`},
		{"bad env value", "units: metric\n", []string{"TESLAFLEET_UNITS=kelvin"},
			`TESLAFLEET_UNITS: units: unknown units "kelvin" (metric or imperial)`},
		{"bad env overrides a good file", "history: {queue: 5}\n", []string{"TESLAFLEET_HISTORY_QUEUE=-1"},
			"TESLAFLEET_HISTORY_QUEUE: history.queue: -1 is out of range (1 to 1048576)"},
		{"unknown env variable", "", []string{"TESLAFLEET_LISTN=:80"},
			"TESLAFLEET_LISTN: unknown variable (did you mean TESLAFLEET_LISTEN?)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.WriteFile("teslafleet.yaml", []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load("teslafleet.yaml", tc.env)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		path, want string
		is         error
	}{
		{filepath.Join(dir, "missing.yaml"), filepath.Join(dir, "missing.yaml") + ": cannot read the config file: no such file or directory", fs.ErrNotExist},
		{dir, dir + ": cannot read the config file: is a directory", nil},
	} {
		_, err := Load(tc.path, nil)
		var e *Error
		if !errors.As(err, &e) || err.Error() != tc.want || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("Load(%s) = %v", tc.path, err)
		}
	}
}

func TestValidateNamesTheKey(t *testing.T) {
	c := Default()
	c.Tesla.Auth.CN.AuthorizeURL = "ftp://x"
	if err := c.Validate(); err == nil || err.Error() != `tesla.auth.cn.authorize_url: invalid URL "ftp://x": want http:// or https://` {
		t.Errorf("Validate = %v", err)
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	if got := Locate("x.yaml", []string{"TESLAFLEET_CONFIG=y.yaml"}); got != "x.yaml" {
		t.Errorf("flag: %s", got)
	}
	if got := Locate("", []string{"TESLAFLEET_CONFIG=y.yaml"}); got != "y.yaml" {
		t.Errorf("env: %s", got)
	}
	env := []string{"TESLAFLEET_DATA_DIR=" + dir}
	if got := Locate("", env); got != "" {
		t.Errorf("no file in the data dir: %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := Locate("", env); got != filepath.Join(dir, FileName) {
		t.Errorf("file in the data dir: %q", got)
	}
}

// TestSecretsNeverShow: a secret's value appears in no fmt verb, JSON,
// YAML, slog output or Redacted, whether alone or inside Config.
func TestSecretsNeverShow(t *testing.T) {
	const value = "s3cr3t-VALUE-0123456789"
	c := Default()
	c.Tesla.ClientSecret = value
	c.APITokens = []Secret{value + "-api"}
	s := Secret(value)

	var outputs []string
	for _, verb := range []string{"%v", "%s", "%q", "%+v", "%#v", "%x", "%d", "%10s"} {
		outputs = append(outputs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, c.Tesla))
	}
	outputs = append(outputs, fmt.Sprint(s), fmt.Sprintln(c.APITokens), s.String(), s.GoString())
	for _, v := range []any{s, c, &c, c.APITokens} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(b))
	}
	outputs = append(outputs, string(c.Redacted()))
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		var b bytes.Buffer
		slog.New(h(&b)).Info("config", "secret", s, "config", c, "tesla", c.Tesla, "tokens", c.APITokens, slog.Any("any", s))
		outputs = append(outputs, b.String())
	}
	for _, out := range outputs {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("the secret shows: %s", out)
		}
	}
	for verb, want := range map[string]string{"%v": "[redacted]", "%s": "[redacted]", "%q": `"[redacted]"`, "%+v": "[redacted]", "%#v": `config.Secret("[redacted]")`} {
		if got := fmt.Sprintf(verb, s); got != want {
			t.Errorf("%s: %s, want %s", verb, got, want)
		}
	}
	if b, _ := json.Marshal(s); string(b) != `"[redacted]"` {
		t.Errorf("JSON %s", b)
	}
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("m", "secret", s)
	if !strings.Contains(b.String(), `"secret":"[redacted]"`) {
		t.Errorf("slog JSON %s", b.String())
	}
	if !bytes.Contains(c.Redacted(), []byte("client_secret: '[redacted]'")) || !bytes.Contains(c.Redacted(), []byte("api_tokens: ['[redacted]']")) {
		t.Errorf("Redacted:\n%s", c.Redacted())
	}
	if s.Reveal() != value {
		t.Error("Reveal")
	}
	// An unset secret shows as unset.
	if got := fmt.Sprintf("%v|%q", Secret(""), Secret("")); got != `|""` {
		t.Errorf("empty secret %s", got)
	}
}

// TestRedactedLoads: Redacted's output, with secrets unset, is a valid file
// that loads to the same configuration.
func TestRedactedLoads(t *testing.T) {
	c := Default()
	c.Polling.Interval = 90 * time.Minute
	c.History.Retention = 0
	c.Tesla.Domain = "app.example.com"
	c.Listen = ":80"
	got, err := Load(writeFile(t, string(c.Redacted())), nil)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("Load(Redacted) = %+v, %v\n%s", got, err, c.Redacted())
	}
	if !bytes.Contains(c.Redacted(), []byte("interval: 1h30m\n")) || !bytes.Contains(c.Redacted(), []byte("retention: 0s\n")) {
		t.Errorf("durations:\n%s", c.Redacted())
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "teslafleet.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// File writes the secrets (for files teslafleet writes itself) and loads
// back to the same configuration.
func TestFileRoundTrip(t *testing.T) {
	c := Default()
	c.Tesla.ClientID = "client-1"
	c.Tesla.ClientSecret = "the-secret-value"
	c.APITokens = []Secret{"an-api-token-of-length"}
	path := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(path, c.File(), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tesla.ClientSecret.Reveal() != "the-secret-value" || got.APITokens[0].Reveal() != "an-api-token-of-length" || got.Tesla.ClientID != "client-1" {
		t.Errorf("round trip: %+v", got.Tesla)
	}
	if strings.Contains(string(c.Redacted()), "the-secret-value") {
		t.Error("Redacted shows the secret")
	}
}

// The CLI clients' variables are not configuration keys, and not errors.
func TestClientVariablesIgnored(t *testing.T) {
	env := []string{EnvServer + "=http://127.0.0.1:8080", EnvToken + "=some-token", "TESLAFLEET_DATA_DIR=" + t.TempDir()}
	if _, err := Load("", env); err != nil {
		t.Fatalf("Load with the client variables: %v", err)
	}
}

func TestTrustedProxies(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // the parsed prefix, or "" when refused
	}{
		{"IPv4 address", "10.0.0.1", "10.0.0.1/32"},
		{"IPv4 prefix", "10.1.2.3/8", "10.0.0.0/8"},
		{"IPv6 address", "::1", "::1/128"},
		{"mapped IPv4", "::ffff:127.0.0.1", "127.0.0.1/32"},
		{"host name", "proxy.lan", ""},
		{"bad prefix", "10.0.0.0/33", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseProxy(c.in)
			if c.want == "" {
				if err == nil {
					t.Fatalf("ParseProxy(%q) = %v, want an error", c.in, p)
				}
				cfg := Default()
				cfg.TrustedProxies = []string{c.in}
				if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "trusted_proxies[0]") {
					t.Fatalf("Validate: %v, want a trusted_proxies[0] error", err)
				}
				return
			}
			if err != nil || p.String() != c.want {
				t.Fatalf("ParseProxy(%q) = %v, %v; want %s", c.in, p, err, c.want)
			}
		})
	}
	c, err := Load(writeFile(t, "trusted_proxies: [127.0.0.1, 10.0.0.0/8]\n"), []string{"TESLAFLEET_TRUSTED_PROXIES=192.168.1.1,fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.Proxies()); got != "[192.168.1.1/32 fd00::/8]" {
		t.Errorf("the environment's proxies: %s", got)
	}
}
