package oauth

// This file is the contract package sim codes against: the errors, the
// types and the API interface, which *Server implements.

import (
	"errors"
	"net/http"
	"time"
)

// Errors of Authenticate; package sim answers each with 401.
var (
	ErrMissingToken = errors.New("oauth: no bearer token")
	ErrTokenExpired = errors.New("oauth: token expired")
	ErrInvalidToken = errors.New("oauth: invalid bearer token")
)

// App is a registered developer application (client).
type App struct {
	ClientID       string   `json:"client_id"`
	ClientSecret   string   `json:"client_secret,omitempty"`
	Name           string   `json:"name"`
	RedirectURIs   []string `json:"redirect_uris"`    // exact URIs; an entry ending in "*" matches by prefix
	AllowedOrigins []string `json:"allowed_origins"`  // e.g. "https://example.com"; partner registration checks the domain against these
	Scopes         []string `json:"scopes"`           // scopes the app may request
	Public         bool     `json:"public,omitempty"` // open-source app: PKCE, no secret, no partner token
}

// Principal is who a bearer token speaks for.
type Principal struct {
	Subject   string   // account id, or the client id for a partner token
	ClientID  string   // azp
	Scopes    []string // scp
	Region    string   // ou_code of a user token ("NA", "EU", "CN"); "" for partner tokens
	Partner   bool     // client_credentials token
	ExpiresAt time.Time
}

// Tokens is the token endpoint's JSON answer.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	State        string `json:"state,omitempty"`
}

// AccountLookup resolves an account by id or email to its id and region.
type AccountLookup func(idOrEmail string) (id, region string, ok bool)

// Options configure the OAuth server.
type Options struct {
	Now       func() time.Time // the simulated clock; token lifetimes follow it
	Lookup    AccountLookup
	Audiences func() []string // the Fleet API base URLs put in "aud"
	Issuer    string          // "iss"; default https://auth.tesla.com/oauth2/v3/nts
	Seed      int64           // deterministic demo client id/secret and RSA key
}

// API is what package sim uses of the OAuth server; *Server implements it
// and New builds one.
type API interface {
	// Register serves /oauth2/v3/authorize (GET form, POST consent),
	// /oauth2/v3/token, /_sim/tokens, /_sim/apps and the JWKS.
	Register(mux *http.ServeMux)
	Authenticate(r *http.Request) (Principal, error)
	AddApp(a App)
	App(clientID string) (App, bool)
	DemoApp() App
	Mint(account, clientID string, scopes []string) (Tokens, error) // a user token pair, as /_sim/tokens does
	Stats() map[string]int                                          // token grants by type, refreshes, failures
}

var _ API = (*Server)(nil)
