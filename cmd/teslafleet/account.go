package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

// storeFlags adds --config and --data to a command working on the store.
func storeFlags(cmd *cobra.Command, o *app.StoreOptions) {
	cmd.Flags().StringVar(&o.ConfigPath, "config", "", "the configuration file (default: $TESLAFLEET_CONFIG, else teslafleet.yaml in the data directory)")
	cmd.Flags().StringVar(&o.DataDir, "data", "", "the data directory (overrides data_dir)")
}

func newAccountCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "account", Short: "List or remove the signed-in Tesla accounts", Args: noArgs}
	var list app.StoreOptions
	listCmd := &cobra.Command{
		Use: "list", Short: "List the signed-in accounts", Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			list.Env = os.Environ()
			return app.RunAccountList(c.Context(), list, c.OutOrStdout())
		},
	}
	storeFlags(listCmd, &list)
	var rm app.StoreOptions
	rmCmd := &cobra.Command{
		Use: "remove ACCOUNT", Short: "Delete an account's tokens, command sessions and cost records",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errWant(c, "one account id (teslafleet account list shows them)")}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			rm.Env = os.Environ()
			return app.RunAccountRemove(c.Context(), rm, args[0], c.OutOrStdout())
		},
	}
	storeFlags(rmCmd, &rm)
	cmd.AddCommand(listCmd, rmCmd)
	return cmd
}

func newAppCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "app", Short: "Manage the stored Tesla application credentials", Args: noArgs}
	var o app.StoreOptions
	forget := &cobra.Command{
		Use: "forget", Short: "Delete the stored client id and secret", Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			return app.RunAppForget(c.Context(), o, c.OutOrStdout())
		},
	}
	storeFlags(forget, &o)
	cmd.AddCommand(forget)
	return cmd
}
