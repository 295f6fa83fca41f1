package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

func newSimCmd() *cobra.Command {
	var o app.SimOptions
	var resolve []string
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve the simulated Tesla cloud (OAuth, Fleet API, vehicles, energy sites) for testing any Fleet API client",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := parseResolve(resolve)
			if err != nil {
				return err
			}
			o.Resolve = m
			o.Logger = newLogger(cmd.ErrOrStderr())
			return app.RunSim(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Listen, "listen", "127.0.0.1:4443", "address of the simulated NA Fleet API and OAuth server (EU and CN get free ports)")
	f.StringVar(&o.Fixtures, "fixtures", "", "seed the account from a directory of Tesla response files instead of the demo fleet")
	f.Float64Var(&o.Speed, "speed", 1, "simulated seconds per real second")
	f.Int64Var(&o.Seed, "seed", 1, "seed of the simulated world (same seed, same world)")
	f.IntVar(&o.FleetSize, "fleet-size", 0, "add N generated vehicles (varied models, signing, charge and sleep states; deterministic from --seed) to the demo account")
	f.StringVar(&o.ConfigOut, "config-out", "", "write a teslafleet config pointing at this simulator (base URLs, demo app credentials) to FILE")
	f.StringSliceVar(&resolve, "resolve", nil, "DOMAIN=HOST:PORT: where the simulator fetches DOMAIN's hosted public key (repeatable)")
	return cmd
}

// parseResolve turns DOMAIN=HOST:PORT pairs into domain → base URL.
func parseResolve(pairs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, p := range pairs {
		domain, addr, ok := strings.Cut(p, "=")
		if !ok || domain == "" || addr == "" {
			return nil, usageError{fmt.Errorf("--resolve %q: want DOMAIN=HOST:PORT", p)}
		}
		if !strings.Contains(addr, "://") {
			addr = "http://" + addr
		}
		m[strings.ToLower(domain)] = strings.TrimSuffix(addr, "/")
	}
	return m, nil
}
