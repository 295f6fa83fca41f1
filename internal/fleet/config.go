package fleet

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
)

// Tesla's endpoints (Fleet API docs; Home Assistant's constants).
const (
	DefaultAuthorizeURL = "https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/authorize"
	DefaultTokenURL     = "https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/token"
	DefaultUserAgent    = "teslafleet"
)

// DefaultScopes are the scopes Home Assistant's integration requests.
var DefaultScopes = []string{
	"openid", "offline_access", "vehicle_device_data", "vehicle_location",
	"vehicle_cmds", "vehicle_charging_cmds", "energy_device_data", "energy_cmds",
}

// DefaultPartnerScopes are requested for partner (client_credentials) tokens;
// the public_key endpoint needs a vehicle scope.
var DefaultPartnerScopes = []string{"openid", "vehicle_device_data", "vehicle_cmds", "vehicle_charging_cmds"}

// Config configures OAuth (NewOAuth) and the API client (New). Zero values
// take Tesla's defaults.
type Config struct {
	ClientID      string
	ClientSecret  string // empty for open-source (PKCE-only) apps
	RedirectURL   string
	Scopes        []string // default DefaultScopes
	PartnerScopes []string // default DefaultPartnerScopes

	// AuthURLs are the OAuth endpoints per region; missing regions and
	// empty fields take AuthorizeURL/TokenURL when set, else Tesla's
	// (DefaultAuthEndpoints). The OAuth flows use the endpoints of the
	// account's region (see OAuth).
	AuthURLs     map[Region]AuthEndpoints
	AuthorizeURL string            // when set, the authorize URL of every region without its own in AuthURLs
	TokenURL     string            // when set, the token URL of every region without its own in AuthURLs
	BaseURLs     map[Region]string // Fleet API base URL per region; missing regions take Tesla's
	Region       Region            // the region to start in; default NA (see Client.UseTokenRegion)

	HTTPClient *http.Client  // default: a client without timeout (Timeout applies per request)
	UserAgent  string        // default DefaultUserAgent
	Timeout    time.Duration // per request attempt; default 30 s
	Retry      Retry         // GET retries on 5xx and network errors

	// Ledger receives one Entry per HTTP answer (nil: no accounting).
	Ledger LedgerSink
	// OnResponse, when set, is called with the raw "response" of every
	// successful read (GET) after it decoded; deviceID is the VIN or site id
	// ("" for account-wide endpoints). It must not keep body past the call
	// without copying.
	OnResponse func(endpoint, deviceID string, body json.RawMessage)

	Logger *slog.Logger     // default: discard
	Now    func() time.Time // default time.Now; used for token expiry and the ledger
}

// Retry is the retry policy of idempotent GETs. Commands are never retried.
type Retry struct {
	Attempts   int           // total tries; default 3 (1 disables retries)
	Backoff    time.Duration // first pause; doubles each time; default 250 ms
	MaxBackoff time.Duration // default 2 s
}

func (c Config) withDefaults() Config {
	if len(c.Scopes) == 0 {
		c.Scopes = DefaultScopes
	}
	if len(c.PartnerScopes) == 0 {
		c.PartnerScopes = DefaultPartnerScopes
	}
	auth := make(map[Region]AuthEndpoints, len(Regions))
	for _, r := range Regions {
		e := defaultAuthEndpoints[r]
		if c.AuthorizeURL != "" {
			e.Authorize = c.AuthorizeURL
		}
		if c.TokenURL != "" {
			e.Token = c.TokenURL
		}
		if o := c.AuthURLs[r]; o.Authorize != "" {
			e.Authorize = o.Authorize
		}
		if o := c.AuthURLs[r]; o.Token != "" {
			e.Token = o.Token
		}
		auth[r] = e
	}
	c.AuthURLs = auth
	urls := make(map[Region]string, len(Regions))
	for _, r := range Regions {
		urls[r] = defaultBaseURLs[r]
	}
	for r, u := range c.BaseURLs {
		if u != "" {
			urls[r] = trimBase(u)
		}
	}
	c.BaseURLs = urls
	if c.Region == "" {
		c.Region = RegionNA
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Retry.Attempts <= 0 {
		c.Retry.Attempts = 3
	}
	if c.Retry.Backoff <= 0 {
		c.Retry.Backoff = 250 * time.Millisecond
	}
	if c.Retry.MaxBackoff <= 0 {
		c.Retry.MaxBackoff = 2 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}
