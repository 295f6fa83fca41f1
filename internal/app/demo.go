package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
)

// DemoOptions are the flags of `teslafleet demo`.
type DemoOptions struct {
	Fixtures string        // seed the simulated account from Tesla response files; "" = the demo fleet
	Speed    float64       // simulated seconds per real second
	Seed     int64         // seed of the simulated world
	Interval time.Duration // how often the states are read (real time)
	Account  string        // the simulated account to sign in as
	Logger   *slog.Logger
}

// DemoAccount is the simulated demo fleet's owner.
const DemoAccount = "owner@example.com"

// RunDemo starts the simulated Tesla cloud in-process, signs in through its
// OAuth server as a user would (authorization code flow with a loopback
// callback), lists the account's products, registers and pairs a command
// key and sends a few commands (signed where the car requires it), follows the vehicles' and
// energy sites' states on out until ctx ends; then it prints what the API
// calls would have cost.
func RunDemo(ctx context.Context, o DemoOptions, out io.Writer) error {
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.Account == "" {
		o.Account = DemoAccount
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	keys, err := newKeyPair()
	if err != nil {
		return fmt.Errorf("generate the command key: %w", err)
	}
	keyURL, stopKeyHost, err := hostPublicKey(keys.publicPEM)
	if err != nil {
		return err
	}
	defer stopKeyHost()
	srv, err := sim.Start("127.0.0.1:0", sim.Options{
		Seed: o.Seed, Speed: o.Speed, Fixtures: o.Fixtures, Logger: o.Logger,
		Resolver: map[string]string{demoDomain: keyURL},
	})
	if err != nil {
		return fmt.Errorf("start the simulated Tesla cloud: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(out, "Simulated Tesla cloud at %s (clock %gx)\n", srv.URLs["NA"], o.Speed)

	ledger := fleet.NewLedger()
	app := srv.DemoApp()
	cfg := fleet.Config{
		ClientID:     app.ClientID,
		ClientSecret: app.ClientSecret,
		AuthorizeURL: srv.AuthURL + "/oauth2/v3/authorize",
		TokenURL:     srv.AuthURL + "/oauth2/v3/token",
		BaseURLs: map[fleet.Region]string{
			fleet.RegionNA: srv.URLs["NA"], fleet.RegionEU: srv.URLs["EU"], fleet.RegionCN: srv.URLs["CN"],
		},
		Ledger: ledger,
		Logger: o.Logger,
	}
	store := &fleet.MemoryTokenStore{}
	oauth, err := login(ctx, srv.Cloud, cfg, o.Account, store)
	if err != nil {
		return err
	}
	tok, err := store.Load(ctx)
	if err != nil {
		return err
	}
	claims, err := fleet.ParseClaims(tok.AccessToken)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Signed in as %s (account %s, region %s, scopes %v)\n", o.Account, claims.Subject, claims.OUCode, claims.Scopes)

	client := fleet.New(cfg, oauth.TokenManager(store))
	if _, err := client.UseTokenRegion(ctx); err != nil {
		return fmt.Errorf("choose the Fleet API region: %w", err)
	}
	products, err := client.Products(ctx)
	if err != nil {
		return fmt.Errorf("list products: %w", err)
	}
	printProducts(out, products)

	progress := newCommandProgress(out)
	commander, err := setUpCommands(ctx, cfg, oauth, client, keys, srv.URLs["NA"]+"/_ak/"+demoDomain, progress)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Commands:\n")
	demoCommands(ctx, commander, products, progress)

	err = follow(ctx, client, products, o.Interval, out)
	printCost(out, ledger.Totals())
	return err
}
