package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/store"
)

// StoreOptions name the configuration and data directory of a command that
// works on the store alone.
type StoreOptions struct {
	ConfigPath string
	DataDir    string
	Env        []string
}

// openStore loads the configuration and opens the store it names.
func openStore(ctx context.Context, o StoreOptions) (config.Config, string, *store.Store, error) {
	cfg, file, err := LoadConfig(o.ConfigPath, o.Env)
	if err != nil {
		return cfg, file, nil, err
	}
	if o.DataDir != "" {
		cfg.DataDir = o.DataDir
	}
	st, err := store.Open(ctx, store.Options{Dir: cfg.DataDir})
	if err != nil {
		return cfg, file, nil, fmt.Errorf("open the store in %s: %w", cfg.DataDir, err)
	}
	return cfg, file, st, nil
}

// RunAccountList prints the signed-in accounts.
func RunAccountList(ctx context.Context, o StoreOptions, out io.Writer) error {
	_, file, st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	accts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	if len(accts) == 0 {
		fmt.Fprintf(out, "No Tesla account is signed in: run teslafleet login%s.\n", configFlag(file))
		return nil
	}
	for _, a := range accts {
		fmt.Fprintf(out, "%s  region %s  signed in %s  scopes %s\n", a.ID, a.Region, a.AddedAt.Format("2006-01-02"), strings.Join(a.Scopes, " "))
	}
	return nil
}

// RunAccountRemove deletes an account with its tokens, command sessions and
// cost records.
func RunAccountRemove(ctx context.Context, o StoreOptions, id string, out io.Writer) error {
	_, _, st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RemoveAccount(ctx, id, sessionsName(id)); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account %s is signed in (teslafleet account list shows them)", id)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(out, "Removed account %s: its tokens, command sessions and cost records.\n", id)
	fmt.Fprintf(out, "The developer application itself stays on Tesla's dashboard (developer.tesla.com) until you delete it there.\n")
	return nil
}

// RunAppForget deletes the stored application credentials (client id and
// secret); the configuration's, if any, stay.
func RunAppForget(ctx context.Context, o StoreOptions, out io.Writer) error {
	_, _, st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.DeleteApp(ctx); errors.Is(err, store.ErrNotFound) {
		fmt.Fprintln(out, "No application credentials were stored.")
		return nil
	} else if err != nil {
		return err
	}
	fmt.Fprintln(out, "Forgot the stored application credentials. Set tesla.client_id and tesla.client_secret (or run teslafleet login with them configured) to use an application again.")
	return nil
}

// sessionsName names an account's command sessions in the store.
func sessionsName(accountID string) string { return "vcp/" + accountID }
