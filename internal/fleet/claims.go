package fleet

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
)

// Claims are the claims of a Tesla access token (a JWT), read without
// verifying the signature — as Tesla's FAQ and Home Assistant do.
type Claims struct {
	Issuer          string    // iss
	Subject         string    // sub: the account id (the client id for partner tokens)
	AuthorizedParty string    // azp: the client id
	Audience        []string  // aud: Fleet API base URLs (and userinfo)
	Scopes          []string  // scp: granted scopes
	OUCode          string    // ou_code: "NA", "EU", "CN"
	Locale          string    // locale
	ExpiresAt       time.Time // exp
	IssuedAt        time.Time // iat
}

// Region is the region of ou_code.
func (c *Claims) Region() (Region, bool) { return ParseRegion(c.OUCode) }

// HasScope reports whether the token grants scope.
func (c *Claims) HasScope(scope string) bool { return slices.Contains(c.Scopes, scope) }

// ParseClaims decodes the payload of a JWT access token.
func ParseClaims(accessToken string) (*Claims, error) {
	parts := strings.Split(accessToken, ".")
	if len(parts) < 2 {
		return nil, &DecodeError{Endpoint: "access_token", Err: errors.New("not a JWT")}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, &DecodeError{Endpoint: "access_token", Err: err}
	}
	var raw struct {
		Iss    string      `json:"iss"`
		Sub    string      `json:"sub"`
		Azp    string      `json:"azp"`
		Aud    stringList  `json:"aud"`
		Scp    stringList  `json:"scp"`
		OUCode string      `json:"ou_code"`
		Locale string      `json:"locale"`
		Exp    json.Number `json:"exp"`
		Iat    json.Number `json:"iat"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, &DecodeError{Endpoint: "access_token", Err: err}
	}
	return &Claims{
		Issuer: raw.Iss, Subject: raw.Sub, AuthorizedParty: raw.Azp,
		Audience: raw.Aud, Scopes: raw.Scp, OUCode: raw.OUCode, Locale: raw.Locale,
		ExpiresAt: unixTime(raw.Exp), IssuedAt: unixTime(raw.Iat),
	}, nil
}

func unixTime(n json.Number) time.Time {
	f, err := n.Float64()
	if err != nil || f <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(f), 0).UTC()
}

// stringList accepts a JSON string (space-separated) or an array of strings.
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = strings.Fields(one)
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}
