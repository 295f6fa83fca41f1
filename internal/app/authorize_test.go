package app

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
)

func simAuthConfig(t *testing.T) (*sim.Server, fleet.Config) {
	t.Helper()
	srv, err := sim.Start("127.0.0.1:0", sim.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	app := srv.DemoApp()
	return srv, fleet.Config{
		ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		AuthorizeURL: srv.AuthURL + "/oauth2/v3/authorize", TokenURL: srv.AuthURL + "/oauth2/v3/token",
		BaseURLs: map[fleet.Region]string{fleet.RegionNA: srv.URLs["NA"]},
	}
}

// On a headless machine the person pastes the redirected URL: the flow
// takes the code from it, checks its state, and exchanges it.
func TestAuthorizationTakesAPastedURL(t *testing.T) {
	srv, cfg := simAuthConfig(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	_, tok, err := authorization{
		cfg: cfg, redirect: "http://127.0.0.1:0/callback", paste: lines(pr), wait: 10 * time.Second,
		open: func(ctx context.Context, authURL string) error {
			// The person approves in a browser elsewhere; the redirect to
			// the loopback callback never arrives, so they paste it.
			redirect, err := srv.ApproveConsent(ctx, http.DefaultClient, authURL, sim.Consent{Account: DemoAccount})
			if err != nil {
				return err
			}
			go io.WriteString(pw, "not a url\n"+redirect+"\n")
			return nil
		},
	}.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	claims, err := fleet.ParseClaims(tok.AccessToken)
	if err != nil || claims.Subject == "" || tok.RefreshToken == "" {
		t.Fatalf("token %+v claims %+v: %v", tok, claims, err)
	}
}

// A redirect whose state is not this sign-in's, or that carries Tesla's
// error, fails with a message saying so; nothing is exchanged.
func TestAuthorizationRefusesBadRedirects(t *testing.T) {
	_, cfg := simAuthConfig(t)
	for _, c := range []struct{ name, query, want string }{
		{"forged state", "?code=abc&state=forged", "state does not match"},
		{"denied", "?error=access_denied&error_description=the+user+said+no", "refused by Tesla: access_denied"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := authorization{
				cfg: cfg, redirect: "http://127.0.0.1:0/callback", paste: lines(strings.NewReader("http://127.0.0.1/callback" + c.query + "\n")),
				wait: 5 * time.Second,
				open: func(context.Context, string) error { return nil },
			}.run(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want it to say %q", err, c.want)
			}
		})
	}
}

// A redirect replayed into a later sign-in is refused (its state belongs to
// the earlier one), and Tesla refuses a code used twice.
func TestAuthorizationRefusesAReplayedCode(t *testing.T) {
	srv, cfg := simAuthConfig(t)
	var first string
	_, _, err := authorization{
		cfg: cfg, redirect: "http://127.0.0.1:0/callback", wait: 10 * time.Second,
		open: func(ctx context.Context, authURL string) error {
			redirect, err := srv.ApproveConsent(ctx, http.DefaultClient, authURL, sim.Consent{Account: DemoAccount})
			if err != nil {
				return err
			}
			first = redirect
			resp, err := http.Get(redirect)
			if err == nil {
				resp.Body.Close()
			}
			return err
		},
	}.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = authorization{
		cfg: cfg, redirect: "http://127.0.0.1:0/callback", paste: lines(strings.NewReader(first + "\n")), wait: 5 * time.Second,
		open: func(context.Context, string) error { return nil },
	}.run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "state does not match") {
		t.Errorf("a replayed redirect: %v", err)
	}
	// Tesla's side: the code itself is single use.
	u, _ := url.Parse(first)
	if _, err := fleet.NewOAuth(cfg).Exchange(context.Background(), u.Query().Get("code"), ""); err == nil {
		t.Error("Tesla exchanged a code a second time")
	}
}
