package oauth

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAccessTokenClaims(t *testing.T) {
	e := newEnv(t)
	q := e.demoQuery("openid offline_access vehicle_device_data vehicle_location")
	cb := e.authorize(t, q, ownerEmail, nil)
	_, tok, _ := e.exchange(t, cb.Query().Get("code"), nil)

	header, p := decodeJWT(t, tok.AccessToken)
	_, kid, _ := e.s.signingKey()
	if header["alg"] != "RS256" || header["typ"] != "JWT" || header["kid"] != kid || len(kid) != 27 {
		t.Errorf("header = %v", header)
	}
	now := e.clock.now().Unix()
	want := map[string]any{
		"iss":       defaultIssuer,
		"sub":       ownerID,
		"azp":       e.demo.ClientID,
		"aud":       append(append([]string{}, testAudiences...), userinfoAudience),
		"scp":       []string{"openid", "offline_access", "vehicle_device_data", "vehicle_location"},
		"ou_code":   "NA",
		"amr":       []string{"pwd", "mfa"},
		"locale":    "en-US",
		"iat":       now,
		"exp":       now + 28800,
		"auth_time": now,
	}
	for k, v := range want {
		if !jsonEqual(p[k], v) {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}
	if _, ok := p["gty"]; ok {
		t.Error("user token marked as a partner token")
	}

	_, id := decodeJWT(t, tok.IDToken)
	if id["aud"] != e.demo.ClientID || id["sub"] != ownerID || id["nonce"] != "n-1" || id["iss"] != defaultIssuer {
		t.Errorf("id token = %v", id)
	}
	if _, err := e.s.Authenticate(bearer(tok.IDToken)); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("id token accepted as a bearer token: %v", err)
	}
}

func TestAuthenticate(t *testing.T) {
	e := newEnv(t)
	tok, err := e.s.Mint(ownerEmail, "", []string{"vehicle_device_data"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(Options{Now: e.clock.now, Lookup: e.accts.lookup, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	foreign, _ := other.Mint(ownerEmail, other.DemoApp().ClientID, nil)
	parts := strings.Split(tok.AccessToken, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	widened := strings.Replace(string(payload), `"scp":["vehicle_device_data"]`, `"scp":["vehicle_device_data","vehicle_cmds"]`, 1)
	if widened == string(payload) {
		t.Fatal("could not tamper with the payload")
	}
	tampered := parts[0] + "." + b64([]byte(widened)) + "." + parts[2]
	none := b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."

	tests := []struct {
		name    string
		header  string
		advance time.Duration
		want    error
	}{
		{"valid", "Bearer " + tok.AccessToken, 0, nil},
		{"lower-case scheme", "bearer " + tok.AccessToken, 0, nil},
		{"missing", "", 0, ErrMissingToken},
		{"basic", "Basic dXNlcjpwdw==", 0, ErrMissingToken},
		{"empty bearer", "Bearer ", 0, ErrMissingToken},
		{"garbage", "Bearer not.a.jwt", 0, ErrInvalidToken},
		{"tampered", "Bearer " + tampered, 0, ErrInvalidToken},
		{"alg none", "Bearer " + none, 0, ErrInvalidToken},
		{"another server's key", "Bearer " + foreign.AccessToken, 0, ErrInvalidToken},
		{"refresh token", "Bearer " + tok.RefreshToken, 0, ErrInvalidToken},
		{"valid just before expiry", "Bearer " + tok.AccessToken, accessTTL - time.Second, nil},
		{"expired", "Bearer " + tok.AccessToken, time.Second, ErrTokenExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.advance(tc.advance)
			r, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/api/1/products", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			p, err := e.s.Authenticate(r)
			if !errors.Is(err, tc.want) || tc.want == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want == nil && (p.Subject != ownerID || p.Region != "NA" || len(p.Scopes) != 1) {
				t.Errorf("principal = %+v", p)
			}
		})
	}
	if got := e.s.Stats()[StatRejected]; got != 9 {
		t.Errorf("rejected = %d", got)
	}
}

func TestDiscoveryAndJWKS(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/oauth2/v3/thirdparty/.well-known/openid-configuration", "/oauth2/v3/.well-known/openid-configuration"} {
		res := get(t, e.ts.URL+path)
		var meta map[string]any
		if res.status != 200 || json.Unmarshal([]byte(res.body), &meta) != nil {
			t.Fatalf("%s: %d %s", path, res.status, res.body)
		}
		if meta["issuer"] != defaultIssuer || meta["token_endpoint"] != e.ts.URL+"/oauth2/v3/token" ||
			meta["authorization_endpoint"] != e.ts.URL+"/oauth2/v3/authorize" || meta["jwks_uri"] != e.ts.URL+jwksPath {
			t.Errorf("%s: %v", path, meta)
		}
	}

	res := get(t, e.ts.URL+jwksPath)
	var set struct {
		Keys []struct{ Kty, Alg, Kid, N, E string }
	}
	if res.status != 200 || json.Unmarshal([]byte(res.body), &set) != nil || len(set.Keys) != 1 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	k := set.Keys[0]
	n, _ := base64.RawURLEncoding.DecodeString(k.N)
	ebytes, _ := base64.RawURLEncoding.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(ebytes).Int64())}
	if k.Kty != "RSA" || k.Alg != "RS256" || pub.N.BitLen() != 2048 || pub.E != 65537 || k.Kid != keyID(pub) {
		t.Fatalf("key = %+v (bits %d)", k, pub.N.BitLen())
	}

	// A relying party can verify our tokens with the published key.
	tok, _ := e.s.Mint(ownerEmail, "", nil)
	parts := strings.Split(tok.AccessToken, ".")
	header, _ := decodeJWT(t, tok.AccessToken)
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil || header["kid"] != k.Kid {
		t.Fatalf("verify with JWKS key: %v (kid %v)", err, header["kid"])
	}
}

// The demo app and the signing key depend only on the seed, so a restarted
// simulator accepts the tokens it issued before.
func TestSeedDeterminism(t *testing.T) {
	opts := func(seed int64) Options {
		return Options{Lookup: func(string) (string, string, bool) { return "acct", "NA", true }, Seed: seed}
	}
	a, _ := New(opts(3))
	b, _ := New(opts(3))
	c, _ := New(opts(4))
	if a.DemoApp().ClientID != b.DemoApp().ClientID || a.DemoApp().ClientSecret != b.DemoApp().ClientSecret {
		t.Error("same seed, different demo app")
	}
	if a.DemoApp().ClientID == c.DemoApp().ClientID {
		t.Error("different seeds, same demo app")
	}
	if id := a.DemoApp().ClientID; len(id) != 36 || strings.Count(id, "-") != 4 {
		t.Errorf("client id %q is not UUID-like", id)
	}
	tok, err := a.Mint("acct", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(bearer(tok.AccessToken)); err != nil {
		t.Errorf("same seed rejects the token: %v", err)
	}
	if _, err := c.Authenticate(bearer(tok.AccessToken)); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("different seed: %v", err)
	}
}

func BenchmarkMintVerify(b *testing.B) {
	s, err := New(Options{Lookup: func(string) (string, string, bool) { return "acct", "NA", true }, Audiences: func() []string { return testAudiences }})
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := s.signingKey(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tok, err := s.Mint("acct", "", []string{"openid", "offline_access", "vehicle_device_data"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Authenticate(bearer(tok.AccessToken)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	s, _ := New(Options{Lookup: func(string) (string, string, bool) { return "acct", "NA", true }})
	tok, err := s.Mint("acct", "", nil)
	if err != nil {
		b.Fatal(err)
	}
	r := bearer(tok.AccessToken)
	for b.Loop() {
		if _, err := s.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKeyDerivation(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if _, _, err := seededKey(int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
