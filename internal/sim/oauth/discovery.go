package oauth

import (
	"math/big"
	"net/http"
)

const jwksPath = "/oauth2/v3/thirdparty/discovery/keys"

// handleDiscovery serves the OpenID Connect metadata. Endpoint URLs use
// the host the request came to, so they work on any simulator address.
func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	base := "http://" + r.Host
	if r.TLS != nil {
		base = "https://" + r.Host
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.issuer,
		"authorization_endpoint":                base + "/oauth2/v3/authorize",
		"token_endpoint":                        base + "/oauth2/v3/token",
		"jwks_uri":                              base + jwksPath,
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token", "client_credentials"},
		"scopes_supported":                      AllScopes(),
		"code_challenge_methods_supported":      []string{"S256"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic", "none"},
		"claims_supported":                      []string{"iss", "sub", "aud", "azp", "scp", "ou_code", "exp", "iat", "auth_time", "amr", "locale"},
	})
}

// handleJWKS serves the public signing key as a JSON Web Key Set.
func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	key, kid, err := s.signingKey()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "server_error", Description: "signing key unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA",
		"use": "sig",
		"alg": "RS256",
		"kid": kid,
		"n":   b64(key.N.Bytes()),
		"e":   b64(big.NewInt(int64(key.E)).Bytes()),
	}}})
}
