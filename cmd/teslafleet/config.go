package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check the configuration file or print an example of one",
		Args:  noArgs,
	}
	var path string
	check := &cobra.Command{
		Use:   "check",
		Short: "Validate the configuration and print the effective values (file, then TESLAFLEET_* variables), secrets redacted",
		Long: "check loads the configuration file (--config, else $TESLAFLEET_CONFIG, else teslafleet.yaml in the data " +
			"directory if it exists) and the TESLAFLEET_* environment variables, validates them and prints the result. " +
			"A bad configuration exits with status 2 and one line naming the key and its line or variable.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.ConfigCheck(path, os.Environ(), cmd.OutOrStdout())
		},
	}
	check.Flags().StringVar(&path, "config", "", "the configuration file (default: $TESLAFLEET_CONFIG, else teslafleet.yaml in the data directory)")
	example := &cobra.Command{
		Use:   "example",
		Short: "Print a commented example configuration file with every key and its default",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.ConfigExample(cmd.OutOrStdout())
		},
	}
	cmd.AddCommand(check, example)
	return cmd
}
