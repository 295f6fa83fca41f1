package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

// clientFlags adds --server and --token to a command of the REST API.
func clientFlags(cmd *cobra.Command, o *app.ClientOptions) {
	cmd.Flags().StringVar(&o.Server, "server", "", "teslafleet's address (default: $"+app.EnvServer+", else "+app.DefaultServer+")")
	cmd.Flags().StringVar(&o.Token, "token", "", "an API token (default: $"+app.EnvToken+")")
}

func newStatesCmd() *cobra.Command {
	var o app.ClientOptions
	cmd := &cobra.Command{
		Use: "states [ENTITY_ID]", Short: "Print the entities' states from a running teslafleet (one entity's with its attributes)",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{errWant(c, "at most one entity id")}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Env = os.Environ()
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			return app.RunStates(c.Context(), o, id, c.OutOrStdout())
		},
	}
	clientFlags(cmd, &o)
	return cmd
}

func newCallCmd() *cobra.Command {
	var o app.ClientOptions
	cmd := &cobra.Command{
		Use:   "call DOMAIN.SERVICE ENTITY_ID [key=value…]",
		Short: "Call a service on an entity of a running teslafleet (values are JSON when they parse, else strings)",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageError{errWant(c, "a service (DOMAIN.SERVICE), an entity id and optional key=value data")}
			}
			if _, err := app.ParseServiceData(args[2:]); err != nil {
				return usageError{err}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Env = os.Environ()
			return app.RunCall(c.Context(), o, args[0], args[1], args[2:], c.OutOrStdout())
		},
	}
	clientFlags(cmd, &o)
	return cmd
}

func newCostCmd() *cobra.Command {
	var o app.ClientOptions
	cmd := &cobra.Command{
		Use: "cost", Short: "Print this month's Fleet API usage and cost from a running teslafleet", Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			return app.RunCost(c.Context(), o, c.OutOrStdout())
		},
	}
	clientFlags(cmd, &o)
	return cmd
}

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create, list or revoke long-lived REST API tokens (in the store)", Args: noArgs}
	var create, list, revoke app.StoreOptions
	createCmd := &cobra.Command{
		Use: "create NAME", Short: "Make an API token and print it (once: only its hash is kept)",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errWant(c, "one name for the token")}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			create.Env = os.Environ()
			return app.RunTokenCreate(c.Context(), create, args[0], c.OutOrStdout())
		},
	}
	storeFlags(createCmd, &create)
	listCmd := &cobra.Command{
		Use: "list", Short: "List the API tokens (their ids, names and use; never the tokens)", Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			list.Env = os.Environ()
			return app.RunTokenList(c.Context(), list, c.OutOrStdout())
		},
	}
	storeFlags(listCmd, &list)
	revokeCmd := &cobra.Command{
		Use: "revoke ID", Short: "Revoke an API token: it is refused from then on",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errWant(c, "one token id (teslafleet token list shows them)")}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			revoke.Env = os.Environ()
			return app.RunTokenRevoke(c.Context(), revoke, args[0], c.OutOrStdout())
		},
	}
	storeFlags(revokeCmd, &revoke)
	cmd.AddCommand(createCmd, listCmd, revokeCmd)
	return cmd
}
