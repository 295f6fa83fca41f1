package sim

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim/oauth"
)

// partner is an app's registration in one region.
type partner struct {
	ClientID   string
	Domain     string
	PublicKey  []byte // 65-byte uncompressed point; nil for the demo app until it registers a key
	Registered time.Time
	Updated    time.Time
}

// partnerRegistry holds registrations per region: region -> client_id -> partner.
type partnerRegistry struct {
	mu      sync.RWMutex
	regions map[string]map[string]partner
}

func newPartnerRegistry() *partnerRegistry {
	return &partnerRegistry{regions: map[string]map[string]partner{}}
}

func (pr *partnerRegistry) register(region string, p partner) partner {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	m := pr.regions[region]
	if m == nil {
		m = map[string]partner{}
		pr.regions[region] = m
	}
	if old, ok := m[p.ClientID]; ok && !old.Registered.IsZero() {
		p.Registered = old.Registered
	}
	if p.Updated.IsZero() {
		p.Updated = p.Registered
	}
	m[p.ClientID] = p
	return p
}

func (pr *partnerRegistry) lookup(region, clientID string) (partner, bool) {
	pr.mu.RLock()
	defer pr.mu.RUnlock()
	p, ok := pr.regions[region][clientID]
	return p, ok
}

func (pr *partnerRegistry) byDomain(region, domain string) (partner, bool) {
	pr.mu.RLock()
	defer pr.mu.RUnlock()
	for _, p := range pr.regions[region] {
		if p.Domain == domain && p.PublicKey != nil {
			return p, true
		}
	}
	return partner{}, false
}

// snapshot is region -> client_id -> {domain, public_key}.
func (pr *partnerRegistry) snapshot() map[string]map[string]map[string]any {
	pr.mu.RLock()
	defer pr.mu.RUnlock()
	out := map[string]map[string]map[string]any{}
	for r, m := range pr.regions {
		out[r] = map[string]map[string]any{}
		for id, p := range m {
			out[r][id] = map[string]any{"domain": p.Domain, "public_key": hexKey(p.PublicKey)}
		}
	}
	return out
}

func hexKey(k []byte) any {
	if k == nil {
		return nil
	}
	return hex.EncodeToString(k)
}

// demoDomain is the host of the demo app's first allowed origin.
func demoDomain(a oauth.App) string {
	for _, o := range a.AllowedOrigins {
		if h := originHost(o); h != "" {
			return h
		}
	}
	return ""
}

func originHost(origin string) string {
	if u, err := url.Parse(origin); err == nil && u.Host != "" {
		return strings.ToLower(u.Hostname())
	}
	return strings.ToLower(strings.TrimSuffix(origin, "/"))
}

// rootDomain is the last two labels of a host name (IPs and single labels
// are their own root).
func rootDomain(host string) string {
	if net.ParseIP(host) != nil {
		return host
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(labels) <= 2 {
		return strings.Join(labels, ".")
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 || d != strings.ToLower(d) || strings.Contains(d, "://") {
		return false
	}
	for _, r := range d {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return !strings.HasPrefix(d, ".") && !strings.HasPrefix(d, "-")
}

// POST /api/1/partner_accounts {"domain":"example.com"}
func (h *regionHandler) registerPartner(c *call) error {
	var body struct {
		Domain string `json:"domain"`
	}
	if err := c.decode(&body); err != nil {
		return err
	}
	if !validDomain(body.Domain) {
		return newError(http.StatusBadRequest,
			fmt.Sprintf("Invalid domain: %s. Ensure that domain is lowercase and starts without https://", body.Domain), "")
	}
	app, ok := h.c.auth.App(c.p.ClientID)
	if !ok {
		return &apiError{Status: http.StatusUnauthorized, Code: msgInvalidToken, Bare: true}
	}
	root := rootDomain(body.Domain)
	matched := false
	for _, o := range app.AllowedOrigins {
		if rootDomain(originHost(o)) == root {
			matched = true
			break
		}
	}
	if !matched {
		return newError(http.StatusPreconditionFailed,
			fmt.Sprintf("Root domain %s does not match any allowed origin of application %s", root, app.ClientID),
			"allowed origins: "+strings.Join(app.AllowedOrigins, ", "))
	}
	key, err := h.c.fetchPublicKey(c.r.Context(), body.Domain)
	if err != nil {
		return newError(http.StatusFailedDependency,
			fmt.Sprintf("Public key download failed for %s, error: %v", publicKeyURL(body.Domain), err), "")
	}
	now := h.c.world.Now().UTC()
	p := h.c.partners.register(h.region, partner{ClientID: app.ClientID, Domain: body.Domain, PublicKey: key, Registered: now, Updated: now})
	h.c.log.Info("sim: partner registered", "region", h.region, "client_id", app.ClientID, "domain", body.Domain)
	const ts = "2006-01-02T15:04:05.000Z"
	respond(c.w, map[string]any{
		"client_id":       app.ClientID,
		"name":            app.Name,
		"description":     "",
		"domain":          p.Domain,
		"ca":              nil,
		"created_at":      p.Registered.Format(ts),
		"updated_at":      p.Updated.Format(ts),
		"enterprise_tier": "free",
		"public_key":      hex.EncodeToString(key),
	})
	return nil
}

// GET /api/1/partner_accounts/public_key?domain=
func (h *regionHandler) partnerPublicKey(c *call) error {
	d := c.r.URL.Query().Get("domain")
	p, ok := h.c.partners.byDomain(h.region, d)
	if !ok {
		return newError(http.StatusNotFound, "not_found", "no partner account with domain "+d+" in this region")
	}
	respond(c.w, map[string]any{"public_key": hex.EncodeToString(p.PublicKey)})
	return nil
}
