package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/store"
)

// DemoOptions are the flags of `teslafleet demo`.
type DemoOptions struct {
	Listen      string            // the REST API's address
	APIToken    string            // "" = a random token, printed
	Fixtures    string            // seed the simulated account from Tesla response files; "" = the demo fleet
	Speed       float64           // simulated seconds per real second (0: the clock stands still)
	Seed        int64             // seed of the simulated world
	FleetSize   int               // generated vehicles added to the demo account
	Units       entity.UnitSystem // metric (default) or imperial
	AllEntities bool              // enable every entity, disabled-by-default ones too
	Interval    time.Duration     // a custom polling interval for every product (0: the integration's)
	DataDir     string            // the store's directory; "" = a fresh temporary one, removed on exit
	Account     string            // the simulated account to sign in as
	MQTTListen  string            // the embedded MQTT broker's address, or "off" ("": off; the CLI's default is 127.0.0.1:1883)
	Logger      *slog.Logger
}

// DemoAccount is the simulated demo fleet's owner.
const DemoAccount = "owner@example.com"

// RunDemo starts the simulated Tesla cloud in-process, signs in through its
// OAuth server as a user would, registers and pairs a command key, and then
// runs the service — coordinators, entity registry and REST API — against
// it until ctx ends; then it prints what the API calls would have cost.
// With fixtures it sends no commands of its own, so the states are exactly
// those the fixtures imply.
func RunDemo(ctx context.Context, o DemoOptions, out io.Writer) error {
	if o.Account == "" {
		o.Account = DemoAccount
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Listen == "" {
		o.Listen = "127.0.0.1:8080"
	}
	if o.APIToken == "" {
		t, err := randomHex(24)
		if err != nil {
			return err
		}
		o.APIToken = t
	}
	keys, err := setup.NewKeyPair()
	if err != nil {
		return fmt.Errorf("generate the command key: %w", err)
	}
	keyURL, stopKeyHost, err := setup.HostPublicKey(keys.PublicPEM)
	if err != nil {
		return err
	}
	defer stopKeyHost()
	srv, err := sim.Start("127.0.0.1:0", sim.Options{
		Seed: o.Seed, Speed: o.Speed, Fixtures: o.Fixtures, FleetSize: o.FleetSize, Logger: o.Logger,
		Resolver: map[string]string{demoDomain: keyURL},
	})
	if err != nil {
		return fmt.Errorf("start the simulated Tesla cloud: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(out, "Simulated Tesla cloud at %s (clock %gx)\n", srv.URLs["NA"], o.Speed)

	dataDir := o.DataDir
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "teslafleet-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}
	st, err := store.Open(ctx, store.Options{Dir: dataDir, Logger: o.Logger})
	if err != nil {
		return fmt.Errorf("open the store in %s: %w", dataDir, err)
	}
	defer st.Close()
	p, err := newPersistence(ctx, st, o.Logger)
	if err != nil {
		return err
	}
	defer p.close()
	metrics := newMetrics(st)
	ledger, err := p.ledger(ctx, time.Now(), metrics)
	if err != nil {
		return err
	}
	metrics.bindLedger(ledger)
	demo := srv.DemoApp()
	cfg := fleet.Config{
		ClientID:     demo.ClientID,
		ClientSecret: demo.ClientSecret,
		AuthorizeURL: srv.AuthURL + "/oauth2/v3/authorize",
		TokenURL:     srv.AuthURL + "/oauth2/v3/token",
		BaseURLs: map[fleet.Region]string{
			fleet.RegionNA: srv.URLs["NA"], fleet.RegionEU: srv.URLs["EU"], fleet.RegionCN: srv.URLs["CN"],
		},
		Ledger: ledger,
		Logger: o.Logger,
	}
	signIn := &fleet.MemoryTokenStore{}
	oauth, err := simLogin(ctx, srv.Cloud, cfg, o.Account, signIn)
	if err != nil {
		return err
	}
	tok, err := signIn.Load(ctx)
	if err != nil {
		return err
	}
	claims, err := fleet.ParseClaims(tok.AccessToken)
	if err != nil {
		return err
	}
	// The account and its token go to the store, as teslafleet login does.
	if err := st.SaveAccount(ctx, store.Account{ID: claims.Subject, Region: claims.OUCode, Scopes: claims.Scopes}); err != nil {
		return err
	}
	tokens := tokenStore{st: st, account: claims.Subject}
	if err := tokens.Save(ctx, tok); err != nil {
		return err
	}
	fmt.Fprintf(out, "Signed in as %s (account %s, region %s, scopes %v)\n", o.Account, claims.Subject, claims.OUCode, claims.Scopes)

	client := fleet.New(cfg, oauth.TokenManager(tokens))
	if _, err := client.UseTokenRegion(ctx); err != nil {
		return fmt.Errorf("choose the Fleet API region: %w", err)
	}
	products, err := client.Products(ctx)
	if err != nil {
		return fmt.Errorf("list products: %w", err)
	}
	printProducts(out, products)

	progress := newCommandProgress(out)
	commander, err := setUpCommands(ctx, cfg, oauth, client, keys, srv.URLs["NA"]+"/_ak/"+demoDomain, p.sessions(claims.Subject), progress)
	if err != nil {
		return err
	}
	if o.Fixtures == "" {
		fmt.Fprintf(out, "Commands:\n")
		demoCommands(ctx, commander, products, progress)
	}
	progress.quiet() // from here on, commands come from the API

	a, err := New(ctx, Config{
		Accounts: []Account{{ID: claims.Subject, Scopes: claims.Scopes, Client: client, Sender: commander, Products: products}},
		Units:    o.Units, AllEnabled: o.AllEntities, Interval: o.Interval,
		Prefs: p.entityPrefs(), OnPref: p.onPref, OnSnapshot: p.onSnapshot, LastData: p.lastVehicleData,
		APITokens: []string{o.APIToken}, Logger: o.Logger,
		TokenStore: newAPITokenStore(st, o.Logger), History: historyReader{st}, Cost: costReader{ledger: ledger},
		UISessions: uiSessions{st}, ConfigDir: dataDir, Extra: metrics.routes(nil), metrics: metrics,
		Setup: demoWizard(st, dataDir, cfg, keys, keyURL), PollingStore: st, PollingEnabled: true,
	})
	if err != nil {
		return err
	}
	// A polling switch turned off in an earlier run (--data) stays off.
	if on, err := st.Polling(ctx, claims.Subject); err != nil {
		return err
	} else if err := a.SetPolling(claims.Subject, on); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("listen for the REST API: %w", err)
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "%d entities on %d devices\n", len(a.Registry().Entities()), len(a.Registry().Devices()))
	fmt.Fprintf(out, "Web UI at %s/  (sign in with the API token %s)\n", url, o.APIToken)
	fmt.Fprintf(out, "REST API at %s/api/  (Authorization: Bearer %s)\n", url, o.APIToken)
	fmt.Fprintf(out, "  curl -H 'Authorization: Bearer %s' %s/api/states\n", o.APIToken, url)
	metrics.bind(a)
	stopMQTT, err := startMQTT(ctx, demoMQTT(o.MQTTListen), a.Registry(), metrics, out, o.Logger)
	if err != nil {
		return err
	}
	defer stopMQTT()
	fmt.Fprintf(out, "Serving until interrupted (store in %s).\n", dataDir)
	stopHistory := p.recordHistory(a.Registry())
	defer stopHistory()
	err = a.Serve(ctx, ln)
	printCost(out, ledger.Totals())
	return err
}

// ParseUnits reads a --units flag: metric or imperial.
func ParseUnits(s string) (entity.UnitSystem, error) { return entity.ParseUnitSystem(s) }
