package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

func newKeygenCmd() *cobra.Command {
	var o app.KeygenOptions
	cmd := &cobra.Command{
		Use: "keygen", Short: "Make the app's P-256 command key (or import an openssl one) in the data directory", Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			return app.RunKeygen(c.Context(), o, c.OutOrStdout())
		},
	}
	storeFlags(cmd, &o.StoreOptions)
	cmd.Flags().BoolVar(&o.Force, "force", false, "replace an existing key (cars paired with the old one must be paired again)")
	cmd.Flags().StringVar(&o.Import, "import", "", "import this openssl P-256 private key (e.g. the tesla_fleet.key made by the guide)")
	return cmd
}

func newRegisterCmd() *cobra.Command {
	var o app.RegisterOptions
	cmd := &cobra.Command{
		Use: "register", Short: "Register the app's domain and public key with Tesla in each region", Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			return app.RunRegister(c.Context(), o, c.OutOrStdout())
		},
	}
	storeFlags(cmd, &o.StoreOptions)
	cmd.Flags().StringVar(&o.Domain, "domain", "", "the app's domain (default tesla.domain)")
	cmd.Flags().StringSliceVar(&o.Regions, "region", nil, "regions to register in (default na,eu; add cn for China)")
	return cmd
}

func newPairCmd() *cobra.Command {
	var o app.PairOptions
	cmd := &cobra.Command{
		Use: "pair", Short: "Show the pairing link and QR code, then each car's pairing state until all are paired", Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			return app.RunPair(c.Context(), o, c.OutOrStdout())
		},
	}
	storeFlags(cmd, &o.StoreOptions)
	cmd.Flags().StringVar(&o.VIN, "vin", "", "pair this car only")
	return cmd
}

func newDoctorCmd() *cobra.Command {
	var o app.DoctorOptions
	cmd := &cobra.Command{
		Use: "doctor", Short: "Check the whole setup and say exactly what to fix (exit code 0 only when nothing fails)", Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			return app.RunDoctor(c.Context(), o, c.OutOrStdout())
		},
	}
	storeFlags(cmd, &o.StoreOptions)
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the checks as JSON")
	return cmd
}

func newSetupCmd() *cobra.Command {
	var o app.SetupOptions
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Set up everything in one guided run: app credentials, key, hosting, registration, sign-in, pairing, doctor",
		Long: "setup asks only for what it cannot know (the client id and secret of your app on developer.tesla.com, " +
			"your domain and your region), then makes the key, checks its hosting, registers with Tesla, signs you in, " +
			"waits while you pair the key with your cars and ends with teslafleet doctor's verdict. Run it again to resume.",
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Env = os.Environ()
			o.In = c.InOrStdin()
			return app.RunSetup(c.Context(), o, c.OutOrStdout())
		},
	}
	storeFlags(cmd, &o.StoreOptions)
	return cmd
}
