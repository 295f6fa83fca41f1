package sim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
)

func TestApproveConsent(t *testing.T) {
	const callback = "http://127.0.0.1:8123/callback"
	for _, tc := range []struct {
		name       string
		scope      string
		consent    Consent
		wantScopes []string
		wantErr    string
	}{
		{name: "all requested", scope: "openid offline_access vehicle_device_data",
			consent: Consent{Account: demoEmail}, wantScopes: []string{"openid", "offline_access", "vehicle_device_data"}},
		{name: "some ticked", scope: "openid offline_access vehicle_device_data vehicle_cmds",
			consent: Consent{Account: demoEmail, Scopes: []string{"openid", "vehicle_device_data"}}, wantScopes: []string{"openid", "vehicle_device_data"}},
		{name: "unknown account", scope: "openid", consent: Consent{Account: "nobody@example.com"}, wantErr: "400"},
		{name: "nothing ticked", scope: "openid", consent: Consent{Account: demoEmail, Scopes: []string{}}, wantErr: "400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, err := NewInMemory(Options{Seed: 7})
				if err != nil {
					t.Fatal(err)
				}
				app := c.DemoApp()
				q := url.Values{"client_id": {app.ClientID}, "redirect_uri": {callback}, "response_type": {"code"},
					"scope": {tc.scope}, "state": {"st4te"}}
				authURL := c.OAuthURL() + "/oauth2/v3/authorize?" + q.Encode()
				browser := &http.Client{Transport: c.Transport()}
				redirect, err := c.ApproveConsent(context.Background(), browser, authURL, tc.consent)
				if tc.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
						t.Fatalf("ApproveConsent = %q, %v; want an error with %q", redirect, err, tc.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				u, err := url.Parse(redirect)
				if err != nil {
					t.Fatal(err)
				}
				if got := u.Scheme + "://" + u.Host + u.Path; got != callback || u.Query().Get("state") != "st4te" {
					t.Fatalf("redirect %s; want %s with the state", redirect, callback)
				}
				// The code exchanges for a token carrying exactly the consented scopes.
				form := url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ClientID},
					"client_secret": {app.ClientSecret}, "code": {u.Query().Get("code")}, "redirect_uri": {callback}}
				resp, err := browser.PostForm(c.OAuthURL()+"/oauth2/v3/token", form)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Fatalf("token: %d %s", resp.StatusCode, body)
				}
				var tk struct {
					AccessToken string `json:"access_token"`
				}
				mustJSON(t, body, &tk)
				if got := scopesOf(t, tk.AccessToken); !slices.Equal(got, tc.wantScopes) {
					t.Errorf("scp = %v; want %v", got, tc.wantScopes)
				}
			})
		})
	}
}

func TestApproveConsentDenied(t *testing.T) {
	c, err := NewInMemory(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"client_id": {"nosuchapp"}, "redirect_uri": {"http://127.0.0.1:1/cb"}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"s"}}
	_, err = c.ApproveConsent(context.Background(), &http.Client{Transport: c.Transport()},
		c.OAuthURL()+"/oauth2/v3/authorize?"+q.Encode(), Consent{Account: demoEmail})
	if err == nil || !strings.Contains(err.Error(), "consent page answered 400") {
		t.Errorf("unknown client: %v; want the consent page's 400", err)
	}
}

// scopesOf reads the scp claim of a JWT without verifying it.
func scopesOf(t *testing.T, jwt string) []string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Scp []string `json:"scp"`
	}
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	return claims.Scp
}
