package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// OAuth runs Tesla's OAuth2 flows: authorization code (optionally with
// PKCE), refresh with rotation, and client credentials (partner tokens).
// Each flow uses the endpoints (Config.AuthURLs) of the account's region:
// the authorize URL of AuthOptions.Region (default Config.Region), the token
// URL of the code's or refresh token's region prefix ("NA_…", "CN_…"; else
// Config.Region), and for partner tokens the token URL of the region asked for.
type OAuth struct {
	cfg Config
}

// NewOAuth builds the OAuth flows from cfg (defaults applied).
func NewOAuth(cfg Config) *OAuth {
	return &OAuth{cfg: cfg.withDefaults()}
}

// Endpoints returns the OAuth endpoints used for region r (those of
// Config.Region when r is unknown).
func (a *OAuth) Endpoints(r Region) AuthEndpoints {
	if e, ok := a.cfg.AuthURLs[r]; ok {
		return e
	}
	if e, ok := a.cfg.AuthURLs[a.cfg.Region]; ok {
		return e
	}
	return a.cfg.AuthURLs[RegionNA]
}

// config is x/oauth2's configuration for region r.
func (a *OAuth) config(r Region) *oauth2.Config {
	e := a.Endpoints(r)
	return &oauth2.Config{
		ClientID:     a.cfg.ClientID,
		ClientSecret: a.cfg.ClientSecret,
		RedirectURL:  a.cfg.RedirectURL,
		Scopes:       a.cfg.Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   e.Authorize,
			TokenURL:  e.Token,
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// regionOf is the region prefix of a code or refresh token, else Config.Region.
func (a *OAuth) regionOf(code string) Region {
	if r, ok := RegionOfCode(code); ok {
		return r
	}
	return a.cfg.Region
}

// AuthOptions are the optional parameters of the authorize URL.
type AuthOptions struct {
	PKCE                   bool   // add an S256 code_challenge (open-source apps); AuthCodeURL returns the verifier
	PromptLogin            bool   // prompt=login (Home Assistant sends it)
	RequireRequestedScopes bool   // require_requested_scopes=true
	ShowKeypairStep        bool   // show_keypair_step=true
	Locale                 string // locale=en-US
	Nonce                  string // nonce
	Region                 Region // whose authorize URL to use; default Config.Region
}

// AuthCodeURL returns the URL to send the user to, with Tesla's parameters
// (scope, state, prompt_missing_scopes=true, …), and the PKCE verifier to
// keep for Exchange ("" without PKCE).
func (a *OAuth) AuthCodeURL(state string, o AuthOptions) (authURL, verifier string) {
	opts := []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("prompt_missing_scopes", "true")}
	if o.PromptLogin {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "login"))
	}
	if o.RequireRequestedScopes {
		opts = append(opts, oauth2.SetAuthURLParam("require_requested_scopes", "true"))
	}
	if o.ShowKeypairStep {
		opts = append(opts, oauth2.SetAuthURLParam("show_keypair_step", "true"))
	}
	if o.Locale != "" {
		opts = append(opts, oauth2.SetAuthURLParam("locale", o.Locale))
	}
	if o.Nonce != "" {
		opts = append(opts, oauth2.SetAuthURLParam("nonce", o.Nonce))
	}
	if o.PKCE {
		verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	region := o.Region
	if region == "" {
		region = a.cfg.Region
	}
	return a.config(region).AuthCodeURL(state, opts...), verifier
}

// Exchange trades an authorization code for tokens at the token URL of the
// code's region prefix ("NA_…"), else of Config.Region; the audience is that
// region's Fleet API base URL. verifier is the PKCE verifier ("" without PKCE).
func (a *OAuth) Exchange(ctx context.Context, code, verifier string) (*oauth2.Token, error) {
	region := a.regionOf(code)
	opts := []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("audience", a.cfg.BaseURLs[region])}
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	tok, err := a.config(region).Exchange(a.ctx(ctx), code, opts...)
	return tok, mapTokenError(err)
}

// Refresh trades a refresh token for a new token pair at the token URL of
// the refresh token's region prefix ("EU_…"), else of Config.Region. Tesla's
// refresh tokens are single use: store the returned one (TokenManager does).
func (a *OAuth) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	if refreshToken == "" {
		return nil, &AuthError{Status: 0, Code: "login_required", Description: "no refresh token", class: ErrLoginRequired}
	}
	tok, err := a.config(a.regionOf(refreshToken)).TokenSource(a.ctx(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	return tok, mapTokenError(err)
}

// PartnerToken gets a partner token (client_credentials) for a region at the
// region's token URL, with Config.PartnerScopes and the region's base URL as
// audience.
func (a *OAuth) PartnerToken(ctx context.Context, region Region) (*oauth2.Token, error) {
	base, ok := a.cfg.BaseURLs[region]
	if !ok {
		return nil, &ValidationError{Command: "partner token", Field: "region", Reason: "unknown: " + string(region)}
	}
	cc := clientcredentials.Config{
		ClientID:       a.cfg.ClientID,
		ClientSecret:   a.cfg.ClientSecret,
		TokenURL:       a.Endpoints(region).Token,
		Scopes:         a.cfg.PartnerScopes,
		EndpointParams: url.Values{"audience": {base}},
		AuthStyle:      oauth2.AuthStyleInParams,
	}
	tok, err := cc.Token(a.ctx(ctx))
	return tok, mapTokenError(err)
}

func (a *OAuth) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, a.cfg.HTTPClient)
}

// mapTokenError turns x/oauth2's errors into *AuthError with a class.
func mapTokenError(err error) error {
	if err == nil {
		return nil
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return &TransportError{Method: "POST", Endpoint: "oauth2/token", Err: err}
	}
	ae := &AuthError{Code: re.ErrorCode, Description: re.ErrorDescription}
	if re.Response != nil {
		ae.Status = re.Response.StatusCode
	}
	if ae.Code == "" { // a JSON body x/oauth2 did not parse, or text
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(re.Body, &body) == nil && body.Error != "" {
			ae.Code, ae.Description = body.Error, body.Description
		} else {
			ae.Description = strings.TrimSpace(string(re.Body))
		}
	}
	ae.class = tokenErrorClass(ae.Status, ae.Code)
	return ae
}

func tokenErrorClass(status int, code string) error {
	switch code {
	case "login_required", "invalid_grant", "password_changed", "login_failed":
		return ErrLoginRequired
	case "unauthorized_client", "invalid_client":
		return ErrUnauthorizedClient
	case "invalid_auth_code":
		return ErrInvalidAuthCode
	case "invalid_redirect_url", "invalid_request", "unsupported_grant_type", "invalid_scope":
		return ErrInvalidRequest
	}
	switch {
	case status == 401:
		return ErrLoginRequired
	case status == 429:
		return ErrRateLimited
	case status >= 500:
		return ErrServer
	}
	return ErrAuth
}
