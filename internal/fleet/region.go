package fleet

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Region is a Fleet API region: "NA" (North America and Asia-Pacific), "EU"
// (Europe, Middle East, Africa) or "CN" (China).
type Region string

// The regions, in the order Discover tries them.
const (
	RegionNA Region = "NA"
	RegionEU Region = "EU"
	RegionCN Region = "CN"
)

// Regions lists every region in discovery order.
var Regions = []Region{RegionNA, RegionEU, RegionCN}

var defaultBaseURLs = map[Region]string{
	RegionNA: "https://fleet-api.prd.na.vn.cloud.tesla.com",
	RegionEU: "https://fleet-api.prd.eu.vn.cloud.tesla.com",
	RegionCN: "https://fleet-api.prd.cn.vn.cloud.tesla.cn",
}

// AuthEndpoints are the OAuth endpoints of one region.
type AuthEndpoints struct {
	Authorize string // the page the user's browser opens (authorization code flow)
	Token     string // the token endpoint of every grant (code, refresh, client credentials)
}

// Tesla's China OAuth endpoints. The authorize host is auth.tesla.cn (Tesla's
// Python library); the token path on that host is assumed, not confirmed.
const (
	DefaultAuthorizeURLCN = "https://auth.tesla.cn/oauth2/v3/authorize"
	DefaultTokenURLCN     = "https://auth.tesla.cn/oauth2/v3/token"
)

var defaultAuthEndpoints = map[Region]AuthEndpoints{
	RegionNA: {Authorize: DefaultAuthorizeURL, Token: DefaultTokenURL},
	RegionEU: {Authorize: DefaultAuthorizeURL, Token: DefaultTokenURL},
	RegionCN: {Authorize: DefaultAuthorizeURLCN, Token: DefaultTokenURLCN},
}

// DefaultAuthEndpoints returns Tesla's OAuth endpoints of a region (zero if
// unknown): NA and EU share fleet-auth.prd.vn.cloud.tesla.com, China has
// auth.tesla.cn.
func DefaultAuthEndpoints(r Region) AuthEndpoints { return defaultAuthEndpoints[r] }

// DefaultBaseURL returns Tesla's Fleet API base URL of a region ("" if unknown).
func DefaultBaseURL(r Region) string { return defaultBaseURLs[r] }

// ParseRegion accepts "na", "NA", "eu", … (a token's ou_code or a
// users/region answer).
func ParseRegion(s string) (Region, bool) {
	r := Region(strings.ToUpper(strings.TrimSpace(s)))
	switch r {
	case RegionNA, RegionEU, RegionCN:
		return r, true
	}
	return "", false
}

// RegionOfCode returns the region prefix of an authorization code or refresh
// token ("NA_…", "EU_…").
func RegionOfCode(code string) (Region, bool) {
	prefix, _, ok := strings.Cut(code, "_")
	if !ok {
		return "", false
	}
	return ParseRegion(prefix)
}

// BaseURL returns the base URL the client currently sends requests to.
func (c *Client) BaseURL() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.base
}

// Region returns the region of the current base URL ("" if it is not one of
// the configured base URLs).
func (c *Client) Region() Region {
	base := c.BaseURL()
	for _, r := range Regions {
		if c.cfg.BaseURLs[r] == base {
			return r
		}
	}
	return ""
}

// UseRegion switches the client to the configured base URL of r.
func (c *Client) UseRegion(r Region) error {
	u, ok := c.cfg.BaseURLs[r]
	if !ok {
		return &ValidationError{Command: "region", Field: "region", Reason: "unknown: " + string(r)}
	}
	c.setBase(u)
	return nil
}

// UseTokenRegion switches to the region named by the access token's ou_code
// (Home Assistant's choice); it keeps the current base URL when the claim is
// missing or unknown.
func (c *Client) UseTokenRegion(ctx context.Context) (Region, error) {
	tok, err := c.ts.Token(ctx)
	if err != nil {
		return "", err
	}
	cl, err := ParseClaims(tok.AccessToken)
	if err != nil {
		return "", err
	}
	r, ok := cl.Region()
	if !ok {
		return c.Region(), nil
	}
	return r, c.UseRegion(r)
}

func (c *Client) setBase(u string) {
	u = trimBase(u)
	c.mu.Lock()
	old := c.base
	c.base = u
	c.mu.Unlock()
	if old != u {
		c.cfg.Logger.Info("fleet: switched base URL", "from", old, "to", u)
	}
}

// UserRegion is GET /api/1/users/region.
type UserRegion struct {
	Region          *string `json:"region,omitempty"` // "na", "eu", "cn"
	FleetAPIBaseURL *string `json:"fleet_api_base_url,omitempty"`
	Extra           Extra   `json:"-"`
}

func (v *UserRegion) UnmarshalJSON(b []byte) error {
	type plain UserRegion
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v UserRegion) MarshalJSON() ([]byte, error) {
	type plain UserRegion
	return encodeObject(plain(v), v.Extra)
}

// UsersRegion is GET /api/1/users/region on the current base URL.
func (c *Client) UsersRegion(ctx context.Context) (*UserRegion, error) {
	return doJSON[UserRegion](ctx, c, call{method: http.MethodGet, path: "/api/1/users/region", endpoint: "users/region"})
}

// Discover finds the account's region as Home Assistant's find_server does:
// it asks GET /api/1/users/region on each configured region in turn,
// skipping those that answer 421, and switches the client to the answer's
// fleet_api_base_url (or to the region that answered).
func (c *Client) Discover(ctx context.Context) (*UserRegion, error) {
	var lastErr error
	for _, r := range Regions {
		base := c.cfg.BaseURLs[r]
		ur, err := doJSON[UserRegion](ctx, c, call{
			method: http.MethodGet, path: "/api/1/users/region", endpoint: "users/region",
			base: base, noRedirect: true,
		})
		if errors.Is(err, ErrWrongRegion) {
			lastErr = err
			continue
		}
		if err != nil {
			return nil, err
		}
		target := base
		if ur.FleetAPIBaseURL != nil {
			if u, ok := c.acceptBase(*ur.FleetAPIBaseURL); ok {
				target = u
			}
		}
		c.setBase(target)
		return ur, nil
	}
	return nil, lastErr
}

var useBaseURL = regexp.MustCompile(`use base URL:\s*(https?://[^\s,"]+)`)

// redirectTarget extracts the correct base URL from a 421: the body's
// "use base URL: <url>" first, else the Alt-Svc header's "h2=<url>".
func redirectTarget(body []byte, h http.Header) string {
	if m := useBaseURL.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	for _, v := range h.Values("Alt-Svc") {
		for part := range strings.SplitSeq(v, ",") {
			for item := range strings.SplitSeq(part, ";") {
				item = strings.TrimSpace(item)
				if rest, ok := strings.CutPrefix(item, "h2="); ok {
					rest = strings.Trim(rest, `"`)
					if !strings.Contains(rest, "://") {
						rest = "https://" + rest
					}
					return rest
				}
			}
		}
	}
	return ""
}

// acceptBase returns the normalised base URL when it is one of the
// configured base URLs or an https URL on a Tesla domain.
func (c *Client) acceptBase(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", false
	}
	base := u.Scheme + "://" + u.Host
	for _, r := range Regions {
		if c.cfg.BaseURLs[r] == base {
			return base, true
		}
	}
	if u.Scheme != "https" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	for _, d := range []string{"tesla.com", "tesla.cn", "teslamotors.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return base, true
		}
	}
	return "", false
}

// trimBase normalises a base URL: no trailing slash.
func trimBase(u string) string { return strings.TrimRight(strings.TrimSpace(u), "/") }
