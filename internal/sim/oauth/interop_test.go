package oauth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The product's client is golang.org/x/oauth2: its defaults (Basic auth
// first, PKCE helpers, refresh through a TokenSource) must work here.
func TestGolangOAuth2Client(t *testing.T) {
	e := newEnv(t)
	cfg := oauth2.Config{
		ClientID:     e.demo.ClientID,
		ClientSecret: e.demo.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: e.ts.URL + "/oauth2/v3/authorize", TokenURL: e.ts.URL + "/oauth2/v3/token"},
		RedirectURL:  callback,
		Scopes:       []string{"openid", "offline_access", "vehicle_device_data"},
	}
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("state-9", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt_missing_scopes", "true"))
	page := get(t, authURL)
	form, checked := consentForm(t, page.body)
	form.Set("account", ownerEmail)
	form["scopes"] = checked
	form.Set("action", "allow")
	res := postForm(t, e.ts.URL+"/oauth2/v3/authorize", form)
	if res.status != http.StatusFound || !strings.Contains(res.location, "state=state-9") {
		t.Fatalf("%d %s", res.status, res.location)
	}
	code := strings.Split(strings.Split(res.location, "code=")[1], "&")[0]

	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, e.ts.Client())
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.Extra("id_token") == nil || tok.Expiry.IsZero() {
		t.Fatalf("token %+v", tok)
	}

	// Expire the access token locally; the TokenSource rotates the refresh token.
	tok.Expiry = time.Now().Add(-time.Minute)
	next, err := cfg.TokenSource(ctx, tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == tok.RefreshToken || next.AccessToken == tok.AccessToken {
		t.Error("refresh did not rotate")
	}
	if _, err := e.s.Authenticate(bearer(next.AccessToken)); err != nil {
		t.Error(err)
	}

	// Errors come back as RetrieveError with Tesla's code.
	_, err = cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_auth_code" {
		t.Errorf("reused code: %v", err)
	}

	cc := clientcredentials.Config{ClientID: e.demo.ClientID, ClientSecret: e.demo.ClientSecret, TokenURL: cfg.Endpoint.TokenURL,
		Scopes: []string{"openid"}, EndpointParams: map[string][]string{"audience": {testAudiences[0]}}}
	pt, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := e.s.Authenticate(bearer(pt.AccessToken)); err != nil || !p.Partner {
		t.Errorf("partner principal %+v %v", p, err)
	}
}
