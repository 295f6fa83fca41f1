package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

func newServeCmd() *cobra.Command {
	var o app.ServeOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the service: every signed-in account's entities over the REST API, kept in the store",
		Long: "serve loads the configuration, opens the store in the data directory, resumes every account " +
			"that teslafleet login added, and serves their entities until interrupted (SIGINT or SIGTERM).",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			o.LogOut = cmd.ErrOrStderr()
			return app.RunServe(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.ConfigPath, "config", "", "the configuration file (default: $TESLAFLEET_CONFIG, else teslafleet.yaml in the data directory)")
	f.StringVar(&o.DataDir, "data", "", "the data directory (overrides data_dir)")
	f.StringVar(&o.Listen, "listen", "", "address of the REST API (overrides listen)")
	f.StringVar(&o.APIToken, "api-token", "", "the REST API's bearer token (overrides api_tokens)")
	return cmd
}

func newLoginCmd() *cobra.Command {
	var o app.LoginOptions
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to a Tesla account and keep it in the store",
		Long: "login prints Tesla's sign-in address (and opens a browser where there is one), waits for Tesla to send " +
			"the browser back to the configured loopback redirect URL, and also accepts that redirected address pasted " +
			"on standard input, for a machine without a browser.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			o.In = cmd.InOrStdin()
			return app.RunLogin(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.ConfigPath, "config", "", "the configuration file (default: $TESLAFLEET_CONFIG, else teslafleet.yaml in the data directory)")
	f.StringVar(&o.DataDir, "data", "", "the data directory (overrides data_dir)")
	f.StringVar(&o.Account, "account", "", "sign in again as this account (a sign-in as another account is refused and changes nothing)")
	return cmd
}
