package fleet

import (
	"sync"
)

// Client calls the Fleet API for one account (one token source). It is safe
// for concurrent use. Its base URL moves when Tesla answers 421.
type Client struct {
	cfg Config
	ts  TokenSource

	mu   sync.RWMutex
	base string

	claimsMu  sync.Mutex
	claimsFor string // access token the cached subject belongs to
	subject   string
}

// New returns a client that authenticates with ts and starts on the base URL
// of cfg.Region (default NA).
func New(cfg Config, ts TokenSource) *Client {
	cfg = cfg.withDefaults()
	return &Client{cfg: cfg, ts: ts, base: cfg.BaseURLs[cfg.Region]}
}

// subjectOf returns the token's sub claim (the ledger's account key),
// caching the last one.
func (c *Client) subjectOf(accessToken string) string {
	c.claimsMu.Lock()
	defer c.claimsMu.Unlock()
	if accessToken != c.claimsFor {
		c.claimsFor, c.subject = accessToken, ""
		if cl, err := ParseClaims(accessToken); err == nil {
			c.subject = cl.Subject
		}
	}
	return c.subject
}
