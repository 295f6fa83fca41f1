package app

import (
	"os"

	"context"
	"fmt"
	"github.com/teslafleet/teslafleet/internal/config"
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
	ConfigOut string            // write a teslafleet config pointing at this simulator to this file
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
	if o.ConfigOut != "" {
		if err := writeSimConfig(o.ConfigOut, srv); err != nil {
			return err
		}
		fmt.Fprintf(out, "  Config:       %s (then: teslafleet login --config %s; teslafleet serve --config %s)\n", o.ConfigOut, o.ConfigOut, o.ConfigOut)
	}
	fmt.Fprintf(out, "Serving until interrupted (clock speed %gx, started %s).\n", o.Speed, time.Now().UTC().Format(time.RFC3339))

	<-ctx.Done()
	return nil
}

// writeSimConfig writes a teslafleet configuration that points at the
// simulator: its base URLs per region, its OAuth server, and the demo app's
// client id and secret. The file holds a secret: it is written 0600.
func writeSimConfig(path string, srv *sim.Server) error {
	c := config.Default()
	demo := srv.DemoApp()
	c.Tesla.ClientID = demo.ClientID
	c.Tesla.ClientSecret = config.Secret(demo.ClientSecret)
	auth := config.AuthEndpoints{AuthorizeURL: srv.AuthURL + "/oauth2/v3/authorize", TokenURL: srv.AuthURL + "/oauth2/v3/token"}
	c.Tesla.Auth = config.PerRegion[config.AuthEndpoints]{NA: auth, EU: auth, CN: auth}
	c.Tesla.FleetAPI = config.PerRegion[string]{NA: srv.URLs["NA"], EU: srv.URLs["EU"], CN: srv.URLs["CN"]}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("the simulator's config: %w", err)
	}
	if err := os.WriteFile(path, c.File(), 0o600); err != nil {
		return fmt.Errorf("write the config: %w", err)
	}
	return nil
}
