package oauth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"maps"
	"net/http"
	"sync"
	"time"
)

// Keys of Stats.
const (
	StatAuthorizationCode = "authorization_code" // tokens issued for an authorization code
	StatRefreshToken      = "refresh_token"      // tokens issued for a refresh token
	StatClientCredentials = "client_credentials" // partner tokens issued
	StatMint              = "mint"               // token pairs minted by Mint or POST /_sim/tokens
	StatRefreshes         = "refreshes"          // same count as StatRefreshToken
	StatCodes             = "codes"              // authorization codes issued by the consent page
	StatFailures          = "failures"           // token endpoint requests answered with an error
	StatLoginRequired     = "login_required"     // of which: dead refresh tokens (401)
	StatRejected          = "rejected"           // bearer tokens Authenticate refused
)

// Lifetimes on the simulated clock.
const (
	accessTTL  = 8 * time.Hour
	codeTTL    = 10 * time.Minute
	refreshTTL = 3 // months
	graceTTL   = 24 * time.Hour
)

const (
	defaultIssuer    = "https://auth.tesla.com/oauth2/v3/nts"
	userinfoAudience = "https://auth.tesla.com/oauth2/v3/userinfo"
	errorURIBase     = "https://auth.tesla.com/error/reference/"
	maxBody          = 64 << 10
	sweepEvery       = 256
)

// Server is the simulated Tesla OAuth server and developer-app registry.
// It is safe for concurrent use.
type Server struct {
	now       func() time.Time
	lookup    AccountLookup
	audiences func() []string
	issuer    string
	seed      int64
	demoID    string
	pages     *template.Template

	keyOnce sync.Once
	key     *rsa.PrivateKey
	kid     string
	keyErr  error

	mu      sync.Mutex
	apps    map[string]App
	codes   map[string]*authCode
	refresh map[string]*refreshEntry
	stats   map[string]int
	issued  int // codes and refresh tokens since the last sweep
}

// New returns a server holding the demo app. It is cheap: the signing key
// is derived from the seed when the first token is signed or verified.
func New(opts Options) (*Server, error) {
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{
		now:       opts.Now,
		lookup:    opts.Lookup,
		audiences: opts.Audiences,
		issuer:    opts.Issuer,
		seed:      opts.Seed,
		pages:     pages,
		apps:      map[string]App{},
		codes:     map[string]*authCode{},
		refresh:   map[string]*refreshEntry{},
		stats:     map[string]int{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.lookup == nil {
		s.lookup = func(string) (string, string, bool) { return "", "", false }
	}
	if s.audiences == nil {
		s.audiences = func() []string { return nil }
	}
	if s.issuer == "" {
		s.issuer = defaultIssuer
	}
	demo := demoApp(opts.Seed)
	s.demoID = demo.ClientID
	s.apps[demo.ClientID] = demo
	return s, nil
}

// Register mounts the server's routes: Tesla's /oauth2/v3 paths and the
// /_sim/tokens and /_sim/apps controls.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /oauth2/v3/authorize", s.handleAuthorizePage)
	mux.HandleFunc("POST /oauth2/v3/authorize", s.handleConsent)
	mux.HandleFunc("POST /oauth2/v3/token", s.handleToken)
	mux.HandleFunc("GET /oauth2/v3/thirdparty/.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /oauth2/v3/.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET "+jwksPath, s.handleJWKS)
	mux.HandleFunc("POST /_sim/tokens", s.handleSimTokens)
	mux.HandleFunc("POST /_sim/apps", s.handleAddApp)
}

// Stats returns counters, keyed by the Stat* constants.
func (s *Server) Stats() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.stats)
}

func (s *Server) count(keys ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.stats[k]++
	}
}

// signingKey derives the key once per server.
func (s *Server) signingKey() (*rsa.PrivateKey, string, error) {
	s.keyOnce.Do(func() { s.key, s.kid, s.keyErr = seededKey(s.seed) })
	return s.key, s.kid, s.keyErr
}

// sweepLocked drops expired codes and dead refresh tokens now and then.
func (s *Server) sweepLocked(now time.Time) {
	s.issued++
	if s.issued < sweepEvery {
		return
	}
	s.issued = 0
	for k, c := range s.codes {
		if !now.Before(c.expiresAt) {
			delete(s.codes, k)
		}
	}
	for k, e := range s.refresh {
		if e.dead(k, now) {
			delete(s.refresh, k)
		}
	}
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// errorBody is Tesla's OAuth error shape.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	URI         string `json:"error_uri,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
