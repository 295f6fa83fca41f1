package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

func newDemoCmd() *cobra.Command {
	var o app.DemoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run against the simulated Tesla cloud: sign in, list the products and follow the vehicles' and sites' states",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Logger = newLogger(cmd.ErrOrStderr())
			return app.RunDemo(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Fixtures, "fixtures", "", "seed the simulated account from a directory of Tesla response files instead of the demo fleet")
	f.Float64Var(&o.Speed, "speed", 60, "simulated seconds per real second")
	f.Int64Var(&o.Seed, "seed", 1, "seed of the simulated world")
	f.DurationVar(&o.Interval, "interval", 5*time.Second, "how often states are read (real time)")
	return cmd
}
