package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/sim/oauth"
)

// When the access token expires and Tesla refuses the refresh token
// (login_required), the app refreshes once, marks the account as needing a
// new login, shows its entities unavailable, and does not hammer Tesla's
// token endpoint.
func TestRefreshRefusedNeedsLogin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSimApp(t, allScopes, nil)
		// Another client uses the refresh token, then its successor: by
		// Tesla's rules every older refresh token of the grant is now dead.
		rt := s.refresh
		for range 2 {
			rt = s.outOfBandRefresh(t, rt)
		}
		var logs lockedBuffer
		s.cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Poll(ctx) }()

		if got := s.state(t, "sensor.test_battery_level"); got != "77" {
			t.Fatalf("before expiry: %q", got)
		}
		time.Sleep(9 * time.Hour) // the access token lives 8 h
		synctest.Wait()
		for _, id := range []string{"sensor.test_battery_level", "sensor.energy_site_solar_power", "lock.test_lock"} {
			if got := s.state(t, id); got != entity.StateUnavailable {
				t.Errorf("%s = %q after the refresh was refused, want unavailable", id, got)
			}
		}
		if n := s.cloud.OAuth().Stats()[oauth.StatLoginRequired]; n != 1 {
			t.Errorf("the token endpoint refused %d refreshes, want exactly 1 (no retry loop)", n)
		}
		if n := strings.Count(logs.String(), "Tesla refused the account's refresh token"); n != 1 {
			t.Errorf("the refused login was logged %d times over 9 hours of polling, want once:\n%s", n, logs.String())
		}
		if got := s.ReloginNeeded(); len(got) != 1 || got[0] != s.account.ID {
			t.Errorf("ReloginNeeded = %v", got)
		}
		if al := s.alerts(); len(al) != 1 || !strings.Contains(al[0].Text, s.account.ID) || al[0].Link != "/setup#step-login" {
			t.Errorf("the web UI's alerts = %+v, want one that sends the account to sign in again", al)
		}

		// The person signs in again (the wizard or teslafleet login saves
		// the new token): the next refresh uses it, without a restart.
		fresh, err := s.cloud.MintToken(s.account.Email, allScopes)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.tokens.Save(ctx, &oauth2.Token{AccessToken: fresh.AccessToken, RefreshToken: fresh.RefreshToken, TokenType: "Bearer",
			Expiry: time.Now().Add(time.Duration(fresh.ExpiresIn) * time.Second)}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(11 * time.Minute) // the next vehicle refresh
		synctest.Wait()
		if got := s.state(t, "sensor.test_battery_level"); got == entity.StateUnavailable {
			t.Errorf("after signing in again the battery level is still %q", got)
		}
		if got := s.ReloginNeeded(); len(got) != 0 {
			t.Errorf("ReloginNeeded = %v after signing in again", got)
		}
		if al := s.alerts(); len(al) != 0 {
			t.Errorf("alerts after signing in again: %+v", al)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

func (s *simApp) state(t *testing.T, id string) string {
	t.Helper()
	st, ok := s.Registry().State(id)
	if !ok {
		t.Fatalf("no state for %s", id)
	}
	return st.State
}

// outOfBandRefresh uses a refresh token as another client would and
// returns the new one.
func (s *simApp) outOfBandRefresh(t *testing.T, rt string) string {
	t.Helper()
	demo := s.cloud.DemoApp()
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {demo.ClientID}, "refresh_token": {rt}}
	req, _ := http.NewRequest(http.MethodPost, s.cloud.OAuthURL()+"/oauth2/v3/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := (&http.Client{Transport: s.cloud.Transport()}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok oauth.Tokens
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.RefreshToken == "" {
		t.Fatalf("refresh: %d %v", resp.StatusCode, err)
	}
	return tok.RefreshToken
}
