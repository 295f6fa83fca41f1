package oauth

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// accessClaims is the payload of an access token, in the order of the
// real token quoted in the reference notes. Gty marks partner tokens
// ("client-credentials"); Jti makes every token distinct.
type accessClaims struct {
	Iss      string   `json:"iss"`
	Azp      string   `json:"azp"`
	Sub      string   `json:"sub"`
	Aud      []string `json:"aud"`
	Scp      []string `json:"scp"`
	Amr      []string `json:"amr,omitempty"`
	Exp      int64    `json:"exp"`
	Iat      int64    `json:"iat"`
	OUCode   string   `json:"ou_code,omitempty"`
	Locale   string   `json:"locale,omitempty"`
	AuthTime int64    `json:"auth_time,omitempty"`
	Gty      string   `json:"gty,omitempty"`
	Jti      string   `json:"jti"`
}

// idClaims is the payload of an OpenID Connect id token.
type idClaims struct {
	Iss      string   `json:"iss"`
	Sub      string   `json:"sub"`
	Aud      string   `json:"aud"`
	Azp      string   `json:"azp"`
	Exp      int64    `json:"exp"`
	Iat      int64    `json:"iat"`
	AuthTime int64    `json:"auth_time"`
	Amr      []string `json:"amr"`
	Nonce    string   `json:"nonce,omitempty"`
}

const partnerGrant = "client-credentials"

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

// userClaims builds the access-token claims of a user grant.
func (s *Server) userClaims(g *grant, region string, now time.Time) accessClaims {
	return accessClaims{
		Iss:      s.issuer,
		Azp:      g.clientID,
		Sub:      g.accountID,
		Aud:      s.audience(),
		Scp:      slices.Clone(g.scopes),
		Amr:      []string{"pwd", "mfa"},
		Exp:      now.Add(accessTTL).Unix(),
		Iat:      now.Unix(),
		OUCode:   region,
		Locale:   "en-US",
		AuthTime: g.authTime.Unix(),
		Jti:      randomHex(8),
	}
}

// audience is Options.Audiences() followed by the userinfo audience.
func (s *Server) audience() []string {
	aud := slices.Clone(s.audiences())
	return append(aud, userinfoAudience)
}

// sign returns the compact RS256 serialisation of claims.
func (s *Server) sign(claims any) (string, error) {
	key, kid, err := s.signingKey()
	if err != nil {
		return "", err
	}
	header, err := json.Marshal(jwtHeader{Alg: "RS256", Typ: "JWT", Kid: kid})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(header) + "." + b64(payload)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("oauth: sign token: %w", err)
	}
	return input + "." + b64(sig), nil
}

// verify checks an access token's signature, issuer and shape, then its
// expiry against the simulated clock.
func (s *Server) verify(token string) (accessClaims, error) {
	var c accessClaims
	key, kid, err := s.signingKey()
	if err != nil {
		return c, err
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, fmt.Errorf("%w: not a JWT", ErrInvalidToken)
	}
	rawHeader, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	payload, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return c, fmt.Errorf("%w: bad encoding", ErrInvalidToken)
	}
	var h jwtHeader
	if err := json.Unmarshal(rawHeader, &h); err != nil || h.Alg != "RS256" || h.Kid != kid {
		return c, fmt.Errorf("%w: unexpected header", ErrInvalidToken)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		return c, fmt.Errorf("%w: bad signature", ErrInvalidToken)
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%w: bad claims", ErrInvalidToken)
	}
	if c.Iss != s.issuer || c.Sub == "" || c.Exp == 0 || !slices.Contains(c.Aud, userinfoAudience) {
		return c, fmt.Errorf("%w: not an access token of this issuer", ErrInvalidToken)
	}
	if !s.now().Before(time.Unix(c.Exp, 0)) {
		return c, ErrTokenExpired
	}
	return c, nil
}

// Authenticate verifies the request's bearer token: ErrMissingToken when
// there is none, ErrTokenExpired when it expired on the simulated clock,
// ErrInvalidToken (wrapped) when it is not one of ours.
func (s *Server) Authenticate(r *http.Request) (Principal, error) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		s.count(StatRejected)
		return Principal{}, ErrMissingToken
	}
	c, err := s.verify(token)
	if err != nil {
		s.count(StatRejected)
		return Principal{}, err
	}
	return Principal{
		Subject:   c.Sub,
		ClientID:  c.Azp,
		Scopes:    c.Scp,
		Region:    c.OUCode,
		Partner:   c.Gty == partnerGrant,
		ExpiresAt: time.Unix(c.Exp, 0),
	}, nil
}
