package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/store"
)

// ErrDoctorFailed: a check of teslafleet doctor failed (exit code 1).
var ErrDoctorFailed = errors.New("doctor: a check failed")

// DoctorOptions are the flags of `teslafleet doctor`.
type DoctorOptions struct {
	StoreOptions
	JSON bool
	// KeyBaseURL is where the hosted public key is fetched; default
	// https://<tesla.domain> (tests point it at their own host).
	KeyBaseURL string
}

// RunDoctor checks the whole setup — the key, its hosting, the partner
// registration, every account's token, scopes and region, each vehicle's
// pairing, billing, the clock — and prints one line per check with the fix
// for each failure. It returns ErrDoctorFailed when a check failed.
func RunDoctor(ctx context.Context, o DoctorOptions, out io.Writer) error {
	cfg, _, st, err := openStore(ctx, o.StoreOptions)
	if err != nil {
		return err
	}
	defer st.Close()
	fc, err := appCredentials(ctx, cfg, st)
	if err != nil {
		return err
	}
	stored, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	var accts []setup.DoctorAccount
	for _, a := range stored {
		afc := fc
		afc.Region = fleet.Region(a.Region)
		client := fleet.New(afc, fleet.NewOAuth(afc).TokenManager(tokenStore{st: st, account: a.ID}))
		accts = append(accts, setup.DoctorAccount{ID: a.ID, Region: fleet.Region(a.Region), Scopes: a.Scopes, Client: client})
	}
	in := doctorInput(cfg, fc, accts)
	in.KeyBaseURL = o.KeyBaseURL
	checks := setup.Doctor(ctx, in)
	if err := printChecks(out, checks, o.JSON); err != nil {
		return err
	}
	if setup.Failed(checks) {
		return ErrDoctorFailed
	}
	return nil
}

// doctorInput is what the checks need.
func doctorInput(cfg config.Config, fc fleet.Config, accts []setup.DoctorAccount) setup.DoctorInput {
	return setup.DoctorInput{
		DataDir: cfg.DataDir, Domain: cfg.Tesla.Domain, Accounts: accts, Fleet: fc, Now: time.Now,
		KeyClient: &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // Tesla does not follow redirects: neither do we
		}},
	}
}

// printChecks writes the checks as lines (or JSON).
func printChecks(out io.Writer, checks []setup.Check, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(checks)
	}
	for _, c := range checks {
		line := fmt.Sprintf("%-4s  %s", c.Status, c.Name)
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		fmt.Fprintln(out, line)
		if c.Fix != "" && c.Status != setup.StatusPass {
			fmt.Fprintf(out, "      fix: %s\n", c.Fix)
		}
	}
	if setup.Failed(checks) {
		fmt.Fprintln(out, "Some checks failed: follow the fixes above, then run teslafleet doctor again.")
	} else {
		fmt.Fprintln(out, "Everything checked is in order.")
	}
	return nil
}

// doctorRoute is GET /api/teslafleet/doctor on a running serve.
type doctorRoute struct {
	cfg config.Config
	fc  fleet.Config

	mu       sync.Mutex
	accounts []setup.DoctorAccount // the served accounts (serve adds one signed in from the web UI)
}

func (d *doctorRoute) add(a ...setup.DoctorAccount) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.accounts = append(d.accounts, a...)
}

func (d *doctorRoute) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	accounts := slices.Clone(d.accounts)
	d.mu.Unlock()
	checks := setup.Doctor(r.Context(), doctorInput(d.cfg, d.fc, accounts))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": !setup.Failed(checks), "checks": checks})
}

// doctorAccounts are the running accounts as doctor checks them.
func doctorAccounts(running []Account, stored []store.Account) []setup.DoctorAccount {
	region := map[string]string{}
	for _, s := range stored {
		region[s.ID] = s.Region
	}
	out := make([]setup.DoctorAccount, 0, len(running))
	for _, a := range running {
		out = append(out, setup.DoctorAccount{ID: a.ID, Region: fleet.Region(region[a.ID]), Scopes: a.Scopes, Client: a.Client})
	}
	return out
}
