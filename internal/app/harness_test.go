package app

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// allScopes are every scope the integration asks for.
var allScopes = []string{"openid", "offline_access", "vehicle_device_data", "vehicle_location", "vehicle_cmds",
	"vehicle_charging_cmds", "energy_device_data", "energy_cmds"}

// simApp is an App on an in-memory simulated cloud seeded with Home
// Assistant's fixtures: no socket is opened, so it runs inside
// testing/synctest bubbles.
type simApp struct {
	*App
	cloud   *sim.Cloud
	account world.Account
	vin     string
	siteID  int64
	client  *fleet.Client
	refresh string                  // the refresh token the app started with
	metrics *metrics                // the app's, a sink of the client's ledger
	tokens  *fleet.MemoryTokenStore // the account's token store (a new login saves here)
}

func newSimApp(t *testing.T, scopes []string, mutate func(*sim.Cloud)) *simApp {
	t.Helper()
	return newSimAppWith(t, sim.Options{Fixtures: "../../testdata/ha", Speed: 1, WakeDelay: 10 * time.Second, Seed: 1}, scopes, mutate)
}

// newSimAppWith is newSimApp on any simulated world.
func newSimAppWith(t testing.TB, opts sim.Options, scopes []string, mutate func(*sim.Cloud)) *simApp {
	t.Helper()
	ctx := context.Background()
	cloud, err := sim.NewInMemory(opts)
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(cloud)
	}
	acct := cloud.World().Accounts()[0]
	tok, err := cloud.MintToken(acct.Email, scopes)
	if err != nil {
		t.Fatal(err)
	}
	demo := cloud.DemoApp()
	metrics := newMetrics(nil)
	ledger := fleet.NewLedger(metrics)
	metrics.bindLedger(ledger)
	cfg := fleet.Config{
		ClientID: demo.ClientID, ClientSecret: demo.ClientSecret,
		AuthorizeURL: cloud.OAuthURL() + "/oauth2/v3/authorize",
		TokenURL:     cloud.OAuthURL() + "/oauth2/v3/token",
		BaseURLs:     map[fleet.Region]string{fleet.RegionNA: cloud.BaseURL("NA")},
		HTTPClient:   &http.Client{Transport: cloud.Transport()},
		Ledger:       ledger,
	}
	store := &fleet.MemoryTokenStore{}
	if err := store.Save(ctx, &oauth2.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: "Bearer",
		Expiry: time.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)}); err != nil {
		t.Fatal(err)
	}
	client := fleet.New(cfg, fleet.NewOAuth(cfg).TokenManager(store))
	products, err := client.Products(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cmdr, err := command.New(command.Config{Fleet: client})
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(ctx, Config{Accounts: []Account{{ID: acct.ID, Scopes: scopes, Client: client, Sender: cmdr, Products: products}},
		AllEnabled: true, APITokens: []string{"T"}, Extra: metrics.routes(nil), metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	metrics.bind(a)
	s := &simApp{App: a, cloud: cloud, account: acct, client: client, refresh: tok.RefreshToken, metrics: metrics, tokens: store}
	s.vin = *products.Vehicles()[0].VIN
	for _, site := range products.EnergySites() {
		if site.HasComponents() {
			s.siteID = *site.EnergySiteID
		}
	}
	return s
}

// billed is the simulator's count of metered requests (data, commands,
// wakes; free ones apart).
func (s *simApp) billed() map[string]int { return s.cloud.Billing().Counts }

// vehicle reads the simulated car as the simulator knows it (not billed).
func (s *simApp) vehicle(t *testing.T) map[string]any {
	t.Helper()
	d, err := s.cloud.World().VehicleData(s.account.ID, s.vin, world.DataQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// site reads the simulated site's info (not billed).
func (s *simApp) site(t *testing.T) map[string]any {
	t.Helper()
	d, err := s.cloud.World().SiteInfo(s.account.ID, s.siteID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// path reads a nested value ("vehicle_state", "locked").
func path(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}
