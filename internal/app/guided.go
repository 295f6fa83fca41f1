package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/store"
)

// SetupOptions are the flags of `teslafleet setup`.
type SetupOptions struct {
	StoreOptions
	In      io.Reader              // the person's answers (stdin)
	Browser func(url string) error // opens the sign-in page; nil: the desktop's, where there is one
	// KeyBaseURL is where the hosted key is checked; default
	// https://<domain> (tests point it at their own host).
	KeyBaseURL string
	PairEvery  time.Duration // how often pairing is checked; default 5 s
}

// RunSetup is the whole setup as one guided command: it asks only for what
// it cannot know (the app's client id and secret, the domain, the region),
// then makes the key, checks its hosting, registers with Tesla, signs in,
// pairs the cars and ends with doctor's verdict. Run again, it skips what
// is done and resumes where it stopped.
func RunSetup(ctx context.Context, o SetupOptions, out io.Writer) error {
	in := lines(o.In)
	ask := func(question, def string) (string, error) {
		if def != "" {
			fmt.Fprintf(out, "%s [%s]: ", question, def)
		} else {
			fmt.Fprintf(out, "%s: ", question)
		}
		select {
		case l, ok := <-in:
			if !ok {
				return "", errors.New("setup: no more answers on standard input")
			}
			if l = strings.TrimSpace(l); l != "" {
				return l, nil
			}
			return def, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	step := func(n int, what string) { fmt.Fprintf(out, "\n%d/6  %s\n", n, what) }

	// 1. The configuration: what only the person knows.
	step(1, "The Tesla application (from developer.tesla.com)")
	path, cfg, regions, err := setupConfig(o.StoreOptions, ask, out)
	if err != nil {
		return err
	}
	so := StoreOptions{ConfigPath: path, DataDir: cfg.DataDir, Env: o.Env}

	// 2. The command key.
	step(2, "The command key")
	_, err = setup.LoadKey(cfg.DataDir)
	if errors.Is(err, setup.ErrNoKey) {
		if _, err = setup.GenerateKey(cfg.DataDir, false); err != nil {
			return err
		}
		fmt.Fprintf(out, "Made a P-256 key in %s.\n", filepath.Join(cfg.DataDir, setup.PrivateKeyFile))
	} else if err != nil {
		return err
	} else {
		fmt.Fprintf(out, "Using the key in %s.\n", filepath.Join(cfg.DataDir, setup.PrivateKeyFile))
	}

	// 3. Its hosting.
	step(3, "The public key at "+setup.PublicKeyURL(cfg.Tesla.Domain))
	for {
		c := hostedKeyCheck(ctx, cfg, o.KeyBaseURL)
		if c.Status == setup.StatusPass {
			fmt.Fprintln(out, "Tesla can fetch it: "+c.Detail)
			break
		}
		fmt.Fprintf(out, "Not reachable yet: %s\n%s\n", c.Detail, c.Fix)
		fmt.Fprintf(out, "teslafleet serve answers that path on its listener (%s): put it behind https://%s with your reverse proxy or tunnel, or set hosting.acme: true so it gets a certificate itself.\n", cfg.Listen, cfg.Tesla.Domain)
		a, err := ask("Press Enter to check again, or type skip", "")
		if err != nil {
			return err
		}
		if a == "skip" {
			break
		}
	}

	// 4. Registration with Tesla.
	step(4, "Registration with Tesla")
	for {
		err := RunRegister(ctx, RegisterOptions{StoreOptions: so, Regions: regions}, out)
		if err == nil {
			break
		}
		a, aerr := ask("Fix it, then press Enter to try again, or type skip", "")
		if aerr != nil {
			return aerr
		}
		if a == "skip" {
			break
		}
	}

	// 5. Sign in.
	step(5, "Sign in to Tesla")
	accts, err := storedAccounts(ctx, so)
	if err != nil {
		return err
	}
	if len(accts) == 0 {
		if err := RunLogin(ctx, LoginOptions{ConfigPath: path, DataDir: cfg.DataDir, Env: o.Env, lines: in, Browser: o.Browser}, out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(out, "Signed in already (%d account(s)); teslafleet login adds another.\n", len(accts))
	}

	// 6. Pairing, while the person taps the link; Enter stops waiting.
	step(6, "Pair the key with your cars")
	pairCtx, stopPair := context.WithCancel(ctx)
	go func() {
		select {
		case <-in:
			stopPair()
		case <-pairCtx.Done():
		}
	}()
	fmt.Fprintln(out, "(press Enter to stop waiting and pair later with teslafleet pair)")
	err = RunPair(pairCtx, PairOptions{StoreOptions: so, Every: o.PairEvery}, out)
	stopPair()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}

	fmt.Fprintf(out, "\nDoctor's verdict:\n")
	return RunDoctor(ctx, DoctorOptions{StoreOptions: so, KeyBaseURL: o.KeyBaseURL}, out)
}

// setupConfig loads (or starts) the configuration, asks for what is
// missing, and saves it (0600). It returns the file, the configuration
// and the regions to register in.
func setupConfig(o StoreOptions, ask func(q, def string) (string, error), out io.Writer) (string, config.Config, []string, error) {
	path := config.Locate(o.ConfigPath, o.Env)
	cfg := config.Default()
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			c, err := config.Load(path, o.Env)
			if err != nil {
				return "", cfg, nil, err
			}
			cfg = c
		}
	}
	if o.DataDir != "" {
		cfg.DataDir = o.DataDir
	}
	if path == "" {
		path = filepath.Join(cfg.DataDir, config.FileName)
	}
	changed := false
	var err error
	if cfg.Tesla.ClientID == "" {
		if cfg.Tesla.ClientID, err = ask("Client ID (your app → Credentials & APIs)", ""); err != nil {
			return "", cfg, nil, err
		}
		changed = true
	}
	if cfg.Tesla.ClientSecret == "" {
		s, err := ask("Client secret", "")
		if err != nil {
			return "", cfg, nil, err
		}
		cfg.Tesla.ClientSecret, changed = config.Secret(s), true
	}
	for cfg.Tesla.Domain == "" {
		d, err := ask("Your domain, where Tesla fetches the public key (e.g. tesla.example.com)", "")
		if err != nil {
			return "", cfg, nil, err
		}
		if cfg.Tesla.Domain, err = setup.NormalizeDomain(d); err != nil {
			fmt.Fprintln(out, err)
			cfg.Tesla.Domain = ""
		}
		changed = true
	}
	region, err := ask("Your Tesla account's region (na, eu or cn)", "na")
	if err != nil {
		return "", cfg, nil, err
	}
	regions := []string{"na", "eu"}
	if r, ok := fleet.ParseRegion(region); !ok {
		return "", cfg, nil, fmt.Errorf("unknown region %q (na, eu or cn)", region)
	} else if r == fleet.RegionCN {
		regions = []string{"cn"}
	}
	if err := cfg.Validate(); err != nil {
		return "", cfg, nil, err
	}
	if changed {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return "", cfg, nil, err
		}
		if err := os.WriteFile(path, cfg.File(), 0o600); err != nil {
			return "", cfg, nil, fmt.Errorf("save the configuration: %w", err)
		}
		fmt.Fprintf(out, "Saved the configuration in %s (0600).\n", path)
	}
	return path, cfg, regions, nil
}

// hostedKeyCheck is doctor's check of the hosted public key.
func hostedKeyCheck(ctx context.Context, cfg config.Config, baseURL string) setup.Check {
	in := doctorInput(cfg, fleetConfig(cfg), nil)
	in.KeyBaseURL = baseURL
	for _, c := range setup.Doctor(ctx, in) {
		if c.Name == setup.CheckKeyHosted {
			return c
		}
	}
	return setup.Check{Name: setup.CheckKeyHosted, Status: setup.StatusFail, Detail: "not checked"}
}

// storedAccounts lists the accounts in the store.
func storedAccounts(ctx context.Context, o StoreOptions) ([]store.Account, error) {
	_, _, st, err := openStore(ctx, o)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Accounts(ctx)
}
