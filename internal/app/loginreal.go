package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"time"

	"golang.org/x/oauth2"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/store"
)

// LoginOptions are the flags of `teslafleet login`.
type LoginOptions struct {
	ConfigPath string
	DataDir    string
	Env        []string
	In         io.Reader     // where a redirected URL may be pasted (stdin)
	lines      <-chan string // In's lines, when a caller (setup) already reads In
	// Browser opens the authorization URL; nil tries the desktop's opener
	// where there is a desktop, and otherwise only prints the URL.
	Browser func(url string) error
	Wait    time.Duration // how long to wait for the sign-in; default 10 min
	// Account, when set, is the account being signed in again: a sign-in
	// as any other account is refused and changes nothing.
	Account string
}

// ErrAccountMismatch: a re-login signed in as another Tesla account.
var ErrAccountMismatch = errors.New("the reauthentication account does not match the original account")

// RunLogin adds a Tesla account to the store: the authorization-code flow
// with a checked state and PKCE, its code taken from the loopback callback
// or from the redirected URL pasted on In. The account is keyed by the
// token's subject, and its region comes from the token.
func RunLogin(ctx context.Context, o LoginOptions, out io.Writer) error {
	cfg, file, err := LoadConfig(o.ConfigPath, o.Env)
	if err != nil {
		return err
	}
	if o.DataDir != "" {
		cfg.DataDir = o.DataDir
	}
	st, err := store.Open(ctx, store.Options{Dir: cfg.DataDir})
	if err != nil {
		return fmt.Errorf("open the store in %s: %w", cfg.DataDir, err)
	}
	defer st.Close()
	fc, err := appCredentials(ctx, cfg, st)
	if err != nil {
		return err
	}
	pasted := o.lines
	if pasted == nil && o.In != nil {
		pasted = lines(o.In)
	}
	browser := o.Browser
	if browser == nil {
		browser = desktopBrowser
	}
	_, tok, err := authorization{
		cfg: fc, redirect: cfg.Tesla.RedirectURL, paste: pasted, wait: o.Wait,
		open: func(_ context.Context, authURL string) error {
			fmt.Fprintf(out, "Open this address in a browser and sign in to Tesla:\n\n  %s\n\n", authURL)
			fmt.Fprintf(out, "Waiting for Tesla to send you back to %s.\n", cfg.Tesla.RedirectURL)
			fmt.Fprintf(out, "If that page does not load (another machine), paste its full address here and press Enter.\n")
			_ = browser(authURL)
			return nil
		},
	}.run(ctx)
	if err != nil {
		return err
	}
	acct, err := saveSignIn(ctx, st, fc, tok, o.Account)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Signed in: account %s, region %s, scopes %v.\n", acct.ID, acct.Region, acct.Scopes)
	for _, m := range setup.MissingScopes(acct.Scopes) {
		fmt.Fprintf(out, "  not granted: %s\n", m)
	}
	fmt.Fprintf(out, "Start the service with: teslafleet serve%s\n", configFlag(file))
	return nil
}

// saveSignIn keeps a signed-in account (keyed by the token's subject, its
// region from the token) with its token and the app's credentials, as
// teslafleet login and the web UI's setup wizard do. want, when set, is
// the account being signed in again: another one is refused and nothing
// is saved.
func saveSignIn(ctx context.Context, st *store.Store, fc fleet.Config, tok *oauth2.Token, want string) (store.Account, error) {
	claims, err := fleet.ParseClaims(tok.AccessToken)
	if err != nil {
		return store.Account{}, fmt.Errorf("sign-in: read the token: %w", err)
	}
	if want != "" && claims.Subject != want {
		return store.Account{}, fmt.Errorf("%w: signed in as %s, not %s; nothing was changed (sign in with that account's Tesla login, or run teslafleet login without --account to add this one)", ErrAccountMismatch, claims.Subject, want)
	}
	region := claims.OUCode
	if region == "" {
		client := fleet.New(fc, fleet.StaticToken(tok.AccessToken))
		if r, err := client.UseTokenRegion(ctx); err == nil {
			region = string(r)
		}
	}
	if err := st.SaveApp(ctx, store.App{ClientID: fc.ClientID, ClientSecret: fc.ClientSecret}); err != nil {
		return store.Account{}, err
	}
	acct := store.Account{ID: claims.Subject, Region: region, Scopes: claims.Scopes}
	if err := st.SaveAccount(ctx, acct); err != nil {
		return store.Account{}, err
	}
	if err := st.SaveToken(ctx, claims.Subject, store.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType, Expiry: tok.Expiry}); err != nil {
		return store.Account{}, err
	}
	return acct, nil
}

// desktopBrowser opens url with the desktop's opener, where there is a
// desktop; elsewhere it does nothing (the URL is printed).
func desktopBrowser(url string) error {
	var cmd string
	switch {
	case runtime.GOOS == "darwin":
		cmd = "open"
	case os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "":
		cmd = "xdg-open"
	default:
		return nil
	}
	path, err := exec.LookPath(cmd)
	if err != nil {
		return nil
	}
	c := exec.Command(path, url)
	if err := c.Start(); err != nil {
		return err
	}
	go c.Wait()
	return nil
}
