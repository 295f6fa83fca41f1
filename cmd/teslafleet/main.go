package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/teslafleet/teslafleet/internal/app"
)

// Exit codes (design/architecture.md §3.1).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks a mistake in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the CLI with args and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "teslafleet: %v\n", err)
	if errors.Is(err, app.ErrBadConfig) { // the message names the key and its line
		return exitUsage
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'teslafleet --help' for usage.")
		return exitUsage
	}
	return exitFailure
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "teslafleet",
		Short:         "Tesla vehicles, Powerwalls and Wall Connectors in your home automation, through Tesla's Fleet API",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newSimCmd(), newDemoCmd())
	root.AddCommand(newConfigCmd())
	root.AddCommand(newServeCmd(), newLoginCmd(), newAccountCmd(), newAppCmd())
	root.AddCommand(newSetupCmd(), newKeygenCmd(), newRegisterCmd(), newPairCmd(), newDoctorCmd())
	root.AddCommand(newTokenCmd(), newStatesCmd(), newCallCmd(), newCostCmd())
	return root
}

// noArgs refuses positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args)}
	}
	return nil
}

// errWant says what arguments a command takes.
func errWant(cmd *cobra.Command, what string) error {
	return fmt.Errorf("%s takes %s", cmd.CommandPath(), what)
}
