// Package oauth is the simulated Tesla OAuth server and developer-app
// registry: the authorize consent page, the token endpoint with its three
// grants, RS256 access tokens shaped like Tesla's, and the bearer-token
// check the simulated Fleet API runs on every /api/1 request.
//
// Routes (Register): GET/POST /oauth2/v3/authorize, POST /oauth2/v3/token,
// GET /oauth2/v3/thirdparty/.well-known/openid-configuration (also without
// "thirdparty/"), GET /oauth2/v3/thirdparty/discovery/keys (JWKS), and the
// controls POST /_sim/tokens and POST /_sim/apps.
//
// Policies of the simulator:
//
//   - The built-in demo app ("teslafleet demo", credentials derived from
//     Options.Seed, every scope) accepts any loopback redirect URI: any port
//     and path on http://127.0.0.1, http://[::1] and http://localhost, and
//     any path under https://teslafleet.local/. Its allowed origins are
//     http://localhost, http://127.0.0.1 and https://teslafleet.local.
//     Apps registered without redirect URIs or origins get the same policy.
//   - A redirect URI entry ending in "*" matches by prefix; a URI with user
//     info or a fragment never matches. Errors found before client_id and
//     redirect_uri are trusted show a 400 page and never redirect.
//   - Granted scopes = requested ∩ consented ∩ the app's scopes; requested
//     scopes the app lacks are dropped, unknown scope names are invalid_scope.
//     A refresh token is issued only with offline_access (Mint always issues
//     one), an id token only with openid. Refreshed tokens keep the grant.
//   - The consent form posts account, the checked scopes (multi) and the
//     original query as hidden fields, plus action=allow|deny from its
//     buttons. A POST with neither action nor scopes (a program submitting
//     the original query plus account) consents to every requested scope.
//   - The token endpoint takes client credentials in the form or as HTTP
//     Basic auth; the audience parameter is accepted and ignored: every
//     access token's aud is Options.Audiences() plus Tesla's userinfo URL.
//   - Codes live 10 minutes and are single use; access tokens 8 hours
//     (exp = iat + 28800); refresh rotation is described in refresh.go.
//     All lifetimes follow Options.Now, the simulated clock.
//   - Partner tokens (client_credentials) carry sub = azp = client id, no
//     ou_code, and the private claim "gty":"client-credentials".
//   - The consent form has no CSRF token: the code only ever goes to a
//     registered redirect URI.
//
// Tokens and secrets are never logged.
package oauth
