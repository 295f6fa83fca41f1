package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is the service's configuration: the file's keys (in YAML tags),
// each overridable by an environment variable TESLAFLEET_<KEY PATH> (see
// EnvName).
type Config struct {
	DataDir   string   `yaml:"data_dir"`   // SQLite database, keys, …
	Listen    string   `yaml:"listen"`     // host:port of the web UI and REST API
	APITokens []Secret `yaml:"api_tokens"` // bearer tokens of the REST API; env: comma-separated
	// TrustedProxies are the reverse proxies (addresses or CIDR prefixes)
	// whose X-Forwarded-For and X-Forwarded-Proto are believed; env:
	// comma-separated.
	TrustedProxies []string `yaml:"trusted_proxies"`
	Units          Units    `yaml:"units"`
	Log            Log      `yaml:"log"`
	Tesla          Tesla    `yaml:"tesla"`
	Polling        Polling  `yaml:"polling"`
	History        History  `yaml:"history"`
	Hosting        Hosting  `yaml:"hosting"`
	MQTT           MQTT     `yaml:"mqtt"`
}

// Units are the units states are shown in.
type Units string

// The units.
const (
	UnitsMetric   Units = "metric"
	UnitsImperial Units = "imperial"
)

// Log configures the service's log.
type Log struct {
	Level  Level     `yaml:"level"`
	Format LogFormat `yaml:"format"`
}

// Level is a log level: debug, info, warn or error.
type Level string

// The log levels.
const (
	LevelDebug Level = "debug"
	LevelInfo  Level = "info"
	LevelWarn  Level = "warn"
	LevelError Level = "error"
)

// Slog returns the slog level (slog.LevelInfo for an unknown level).
func (l Level) Slog() slog.Level {
	switch l {
	case LevelDebug:
		return slog.LevelDebug
	case LevelWarn:
		return slog.LevelWarn
	case LevelError:
		return slog.LevelError
	}
	return slog.LevelInfo
}

// LogFormat is the log's format: text or json.
type LogFormat string

// The log formats.
const (
	LogText LogFormat = "text"
	LogJSON LogFormat = "json"
)

// Tesla is the Tesla developer application and Tesla's endpoints.
type Tesla struct {
	ClientID     string `yaml:"client_id"`
	ClientSecret Secret `yaml:"client_secret"`
	RedirectURL  string `yaml:"redirect_url"` // the loopback callback of `teslafleet login`
	Domain       string `yaml:"domain"`       // the app's domain, which hosts its public key
	// Auth are the OAuth endpoints per region; FleetAPI the Fleet API base
	// URLs. Both default to Tesla's; the demo and tests point them at the
	// simulator.
	Auth     PerRegion[AuthEndpoints] `yaml:"auth"`
	FleetAPI PerRegion[string]        `yaml:"fleet_api"`
}

// AuthEndpoints are the OAuth endpoints of one region.
type AuthEndpoints struct {
	AuthorizeURL string `yaml:"authorize_url"`
	TokenURL     string `yaml:"token_url"`
}

// PerRegion holds one value per Fleet API region; the YAML keys are na, eu
// and cn.
type PerRegion[T any] struct {
	NA T `yaml:"na"`
	EU T `yaml:"eu"`
	CN T `yaml:"cn"`
}

// Map returns the values keyed by region name as package fleet spells it
// ("NA", "EU", "CN").
func (p PerRegion[T]) Map() map[string]T {
	return map[string]T{"NA": p.NA, "EU": p.EU, "CN": p.CN}
}

func (PerRegion[T]) perRegion() {}

// Polling configures the coordinators.
type Polling struct {
	Enabled  bool          `yaml:"enabled"`
	Interval time.Duration `yaml:"interval"` // 0: the integration's cadence per data source
}

// History configures the state history.
type History struct {
	Retention time.Duration `yaml:"retention"` // how long states are kept; 0: forever
	Queue     int           `yaml:"queue"`     // states buffered for the writer
}

// Hosting is how the app's public key is served at
// https://<tesla.domain>/.well-known/appspecific/com.tesla.3p.public-key.pem.
// The REST API's listener always answers that path; with ACME teslafleet
// also obtains a TLS certificate for the domain itself (Let's Encrypt,
// TLS-ALPN-01 on HTTPSListen and HTTP-01 on HTTPListen), so no reverse
// proxy is needed.
type Hosting struct {
	ACME        bool   `yaml:"acme"`
	ACMEEmail   string `yaml:"acme_email"`
	HTTPSListen string `yaml:"https_listen"`
	HTTPListen  string `yaml:"http_listen"`
}

// MQTT is the export to an MQTT broker with Home Assistant's discovery:
// to the embedded broker on Listen, or to an external one at URL (then
// the embedded one does not start).
type MQTT struct {
	Enabled         bool   `yaml:"enabled"`
	Listen          string `yaml:"listen"`      // the embedded broker's host:port, or "off"
	URL             string `yaml:"url"`         // an external broker: tcp://host:1883, ssl://host:8883 (tls:// too)
	Username        string `yaml:"username"`    // the external broker's, or the embedded one's (required beyond loopback)
	Password        Secret `yaml:"password"`    // env: TESLAFLEET_MQTT_PASSWORD
	ClientCert      string `yaml:"client_cert"` // PEM client certificate for ssl:// (optional)
	ClientKey       string `yaml:"client_key"`
	CAFile          string `yaml:"ca_file"` // PEM CA bundle for ssl:// (default: the system's)
	DiscoveryPrefix string `yaml:"discovery_prefix"`
	BaseTopic       string `yaml:"base_topic"`
}

// MQTTOff is mqtt.listen's value that starts no embedded broker.
const MQTTOff = "off"

// Tesla's endpoints (Fleet API reference §0 and §2). China's token host is
// assumed to be its authorize host, auth.tesla.cn.
const (
	teslaAuthorize   = "https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/authorize"
	teslaToken       = "https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/token"
	teslaAuthorizeCN = "https://auth.tesla.cn/oauth2/v3/authorize"
	teslaTokenCN     = "https://auth.tesla.cn/oauth2/v3/token"
)

// Limits of the numbers.
const (
	MinPollInterval = time.Second
	MaxPollInterval = 24 * time.Hour
	MaxQueue        = 1 << 20
	MinAPITokenLen  = 16
)

// Default returns the configuration without a file or environment. The data
// directory is $XDG_DATA_HOME/teslafleet, else ~/.local/share/teslafleet.
func Default() Config {
	return Config{
		DataDir:   defaultDataDir(),
		Listen:    "127.0.0.1:8080",
		APITokens: []Secret{}, TrustedProxies: []string{},
		Units: UnitsMetric,
		Log:   Log{Level: LevelInfo, Format: LogText},
		Tesla: Tesla{
			RedirectURL: "http://localhost:8765/callback",
			Auth: PerRegion[AuthEndpoints]{
				NA: AuthEndpoints{AuthorizeURL: teslaAuthorize, TokenURL: teslaToken},
				EU: AuthEndpoints{AuthorizeURL: teslaAuthorize, TokenURL: teslaToken},
				CN: AuthEndpoints{AuthorizeURL: teslaAuthorizeCN, TokenURL: teslaTokenCN},
			},
			FleetAPI: PerRegion[string]{
				NA: "https://fleet-api.prd.na.vn.cloud.tesla.com",
				EU: "https://fleet-api.prd.eu.vn.cloud.tesla.com",
				CN: "https://fleet-api.prd.cn.vn.cloud.tesla.cn",
			},
		},
		Polling: Polling{Enabled: true},
		History: History{Retention: 720 * time.Hour, Queue: 4096},
		Hosting: Hosting{HTTPSListen: ":443", HTTPListen: ":80"},
		MQTT:    MQTT{Enabled: true, Listen: "127.0.0.1:1883", DiscoveryPrefix: "homeassistant", BaseTopic: "teslafleet"},
	}
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "teslafleet")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "teslafleet")
	}
	return "teslafleet-data"
}

// FileName is the config file's name in the data directory.
const FileName = "teslafleet.yaml"

// EnvPrefix starts every variable of the configuration; EnvFile names the
// config file (as --config does).
const (
	EnvPrefix = "TESLAFLEET_"
	EnvFile   = EnvPrefix + "CONFIG"
)

// EnvServer and EnvToken are the REST API's CLI clients' variables
// (teslafleet states, call, cost); Load ignores them.
const (
	EnvServer = EnvPrefix + "SERVER"
	EnvToken  = EnvPrefix + "TOKEN"
)

// Locate returns the file to Load: path when given, else $TESLAFLEET_CONFIG,
// else teslafleet.yaml in the data directory ($TESLAFLEET_DATA_DIR or the
// default) when it exists, else "" (defaults and environment only). The
// last case alone tolerates a missing file.
func Locate(path string, env []string) string {
	if path != "" {
		return path
	}
	vars := envMap(env)
	if p := vars[EnvFile]; p != "" {
		return p
	}
	dir := vars[EnvName("data_dir")]
	if dir == "" {
		dir = Default().DataDir
	}
	p := filepath.Join(dir, FileName)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// EnvName returns the environment variable of a key path:
// "tesla.client_secret" → TESLAFLEET_TESLA_CLIENT_SECRET.
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// envMap turns KEY=VALUE pairs into a map (later pairs win, as in os/exec).
func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}
