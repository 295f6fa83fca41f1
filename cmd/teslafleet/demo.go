package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

func newDemoCmd() *cobra.Command {
	var (
		o     app.DemoOptions
		units string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the service against the simulated Tesla cloud: sign in, then serve every entity over the REST API",
		Long: "demo starts the simulated Tesla cloud in-process, signs in through its OAuth server, pairs a command key, " +
			"and runs teslafleet's coordinators, entities and Home-Assistant-compatible REST API against it until interrupted.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			u, err := app.ParseUnits(units)
			if err != nil {
				return usageError{err}
			}
			o.Units = u
			o.Logger = newLogger(cmd.ErrOrStderr())
			return app.RunDemo(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.DataDir, "data", "", "the store's directory: entity settings, history and cost are kept there across runs (default: a temporary one, removed on exit)")
	f.StringVar(&o.Listen, "listen", "127.0.0.1:8080", "address of the REST API")
	f.StringVar(&o.MQTTListen, "mqtt-listen", "127.0.0.1:1883", "address of the embedded MQTT broker (Home Assistant discovery), or off")
	f.StringVar(&o.APIToken, "api-token", "", "the REST API's bearer token (default: a random one, printed)")
	f.StringVar(&o.Fixtures, "fixtures", "", "seed the simulated account from a directory of Tesla response files (e.g. testdata/ha) instead of the demo fleet; no demo commands are sent")
	f.Float64Var(&o.Speed, "speed", 60, "simulated seconds per real second (0: the simulated clock stands still)")
	f.Int64Var(&o.Seed, "seed", 1, "seed of the simulated world")
	f.IntVar(&o.FleetSize, "fleet-size", 0, "add this many generated vehicles to the demo account")
	f.StringVar(&units, "units", "metric", "unit system of the states: metric or imperial")
	f.BoolVar(&o.AllEntities, "all-entities", false, "enable every entity, the ones disabled by default too")
	f.DurationVar(&o.Interval, "interval", 15*time.Second, "polling interval of every product (0: the integration's own cadence, 10 min for vehicles)")
	return cmd
}
