package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim"
)

// SimOptions are the flags of `teslafleet sim`.
type SimOptions struct {
	Listen    string  // address of the NA Fleet API host (and the OAuth server)
	Fixtures  string  // a directory of Tesla response files; "" = the built-in demo fleet
	Speed     float64 // simulated seconds per real second
	Seed      int64
	FleetSize int               // generated vehicles added to the demo account
	Resolve   map[string]string // domain → base URL for fetching hosted public keys
	Logger    *slog.Logger
}

// RunSim serves the simulated Tesla cloud until ctx ends, after printing
// where it listens and the demo app's credentials to out.
func RunSim(ctx context.Context, o SimOptions, out io.Writer) error {
	srv, err := sim.Start(o.Listen, sim.Options{
		Seed:      o.Seed,
		FleetSize: o.FleetSize,
		Speed:     o.Speed,
		Fixtures:  o.Fixtures,
		Resolver:  o.Resolve,
		Logger:    o.Logger,
	})
	if err != nil {
		return fmt.Errorf("start the simulator: %w", err)
	}
	defer srv.Close()

	app := srv.DemoApp()
	fmt.Fprintf(out, "Simulated Tesla cloud\n")
	for _, region := range []string{"NA", "EU", "CN"} {
		fmt.Fprintf(out, "  Fleet API %s: %s\n", region, srv.URLs[region])
	}
	fmt.Fprintf(out, "  OAuth:        %s/oauth2/v3/authorize  (token: %s/oauth2/v3/token)\n", srv.AuthURL, srv.AuthURL)
	fmt.Fprintf(out, "  Demo app:     client_id=%s client_secret=%s\n", app.ClientID, app.ClientSecret)
	fmt.Fprintf(out, "  Test token:   curl -s -X POST %s/_sim/tokens -d '{\"account\":\"owner@example.com\"}'\n", srv.AuthURL)
	fmt.Fprintf(out, "Serving until interrupted (clock speed %gx, started %s).\n", o.Speed, time.Now().UTC().Format(time.RFC3339))

	<-ctx.Done()
	return nil
}
