package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/poll"
	"github.com/teslafleet/teslafleet/internal/store"
	"github.com/teslafleet/teslafleet/internal/web"
	"github.com/teslafleet/teslafleet/internal/web/ui"
)

// Account is one signed-in Tesla account as the App runs it.
type Account struct {
	ID       string        // the token's subject
	Scopes   []string      // the token's scopes
	Client   *fleet.Client // reads (the coordinators' fetcher)
	Sender   entity.Sender // commands (*command.Commander)
	Products *fleet.Products
}

// Config is what an App needs: its accounts, and how to serve them.
type Config struct {
	Accounts []Account

	Units      entity.UnitSystem
	AllEnabled bool          // enable every entity (Home Assistant's snapshot tests do)
	Interval   time.Duration // a custom polling interval for every product (0: the integration's)
	Prefs      map[string]entity.Pref

	// OnSnapshot, when set, sees every coordinator snapshot after the
	// registry (the store keeps the last data of each source).
	OnSnapshot func(accountID string, s poll.Snapshot)

	// OnPref, when set, sees every change of a user's entity choice.
	OnPref func(uniqueID string, p entity.Pref)
	// LastData, when set, gives a vehicle's last known data from an
	// earlier run, shown until the first refresh brings newer data (a
	// sleeping car's states survive a restart without waking it).
	LastData func(vin string) *fleet.VehicleData

	APITokens []string // the REST API's bearer tokens
	// PublicKeyPEM, when set, is answered at setup.PublicKeyPath (key
	// hosting by teslafleet itself).
	PublicKeyPEM []byte
	// Extra are more API routes behind the bearer token.
	Extra  map[string]http.Handler
	Logger *slog.Logger

	// TokenStore, History and Cost, when set, give the REST API the
	// stored API tokens, the state history and the cost ledger.
	TokenStore web.TokenValidator
	History    web.History
	Cost       web.Cost
	// UISessions, when set, keeps the web UI's password and sessions; the
	// UI is served only with it.
	UISessions ui.SessionStore
	// Setup, when set, is the web UI's setup wizard.
	Setup ui.Setup
	// PollingStore, when set, keeps the accounts' polling switches the
	// web UI's cost page flips (with PollingEnabled, the configuration's
	// polling.enabled).
	PollingStore   *store.Store
	PollingEnabled bool
	// TrustedProxies are the reverse proxies whose forwarded headers name
	// the client and its scheme.
	TrustedProxies []netip.Prefix
	// TimeZone and ConfigDir are shown by GET /api/config.
	TimeZone, ConfigDir string

	// metrics, when set, times every account's commands and counts the
	// errors of commands and refreshes by class.
	metrics *metrics
}

// App wires the coordinators, the entity registry and the REST API. It
// only wires: each part lives in its own package.
type App struct {
	cfg      Config
	reg      *entity.Registry
	api      http.Handler
	shutdown chan struct{} // closed when Serve stops taking requests: event streams end
	stopOnce sync.Once

	mu       sync.Mutex
	accounts []*account      // guarded by mu: AddAccount appends while serving
	pollCtx  context.Context // Poll's, once it runs: accounts added later poll under it
	late     sync.WaitGroup  // the schedulers of accounts added while polling
	adding   sync.Mutex      // one AddAccount at a time
}

// account is one account's coordinators.
type account struct {
	a     *App
	cfg   Account
	sched *poll.Scheduler
	coord map[entity.Source]*poll.Coordinator

	mu      sync.Mutex
	relogin bool // Tesla refused the refresh token
}

// New sets every account's products up as the integration does (the first
// refresh of each coordinator decides which entities exist). Serve runs it.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a := &App{cfg: cfg, shutdown: make(chan struct{})}
	a.reg = entity.New(entity.Options{Units: cfg.Units, AllEnabled: cfg.AllEnabled, Logger: cfg.Logger, OnPref: cfg.OnPref})
	if cfg.Prefs != nil {
		a.reg.SetPrefs(cfg.Prefs)
	}
	for _, ac := range cfg.Accounts {
		acct, err := a.newAccount(ctx, ac)
		if err != nil {
			return nil, err
		}
		a.accounts = append(a.accounts, acct)
	}
	h, err := a.handler(a.reg, cfg)
	if err != nil {
		return nil, err
	}
	a.api = h
	return a, nil
}

// Handler is the REST API.
func (a *App) Handler() http.Handler { return a.api }

// Registry is the app's entity registry.
func (a *App) Registry() *entity.Registry { return a.reg }

// newAccount sets one account's products up in the registry, with its
// scheduler (not yet running).
func (a *App) newAccount(ctx context.Context, ac Account) (*account, error) {
	acct := &account{a: a, cfg: ac, coord: map[entity.Source]*poll.Coordinator{}}
	acct.sched = poll.New(poll.Config{Fetcher: ac.Client, Sink: acct.apply, Logger: a.cfg.Logger})
	sender := ac.Sender
	if a.cfg.metrics != nil {
		sender = a.cfg.metrics.sender(sender)
	}
	a.reg.AddAccount(entity.Account{ID: ac.ID, Scopes: ac.Scopes, Sender: sender, Poller: poller{acct}})
	if err := acct.setUp(ctx); err != nil {
		return nil, fmt.Errorf("account %s: %w", ac.ID, err)
	}
	return acct, nil
}

// accountList is the accounts now (AddAccount may add more).
func (a *App) accountList() []*account {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.accounts)
}

// AddAccount adds an account while the app runs (one signed in from the
// web UI's setup wizard): its products become devices and entities, and
// its coordinators poll with the others (polling on or off). An account
// already served is left as it is; added reports whether this one was new.
func (a *App) AddAccount(ctx context.Context, ac Account, polling bool) (added bool, err error) {
	a.adding.Lock()
	defer a.adding.Unlock()
	for _, acct := range a.accountList() {
		if acct.cfg.ID == ac.ID {
			return false, nil
		}
	}
	acct, err := a.newAccount(ctx, ac)
	if err != nil {
		return false, err
	}
	acct.sched.SetPolling(polling)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.accounts = append(a.accounts, acct)
	if pctx := a.pollCtx; pctx != nil {
		a.late.Go(func() {
			if err := acct.sched.Run(pctx); err != nil {
				a.cfg.Logger.Error("account polling ended", "account", ac.ID, "err", err)
			}
		})
	}
	return true, nil
}

// Poll runs every account's coordinators until ctx ends, those of
// accounts added meanwhile too.
func (a *App) Poll(ctx context.Context) error {
	a.mu.Lock()
	a.pollCtx = ctx
	accounts := slices.Clone(a.accounts)
	a.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, len(accounts))
	for i, acct := range accounts {
		wg.Go(func() { errs[i] = acct.sched.Run(ctx) })
	}
	wg.Wait()
	a.late.Wait()
	return errors.Join(errs...)
}

// Serve polls, and serves the REST API on ln, until ctx ends.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: a.api, ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(func() { a.stopOnce.Do(func() { close(a.shutdown) }) })
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	errs := make(chan error, 1)
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		if err := a.Poll(ctx); err != nil {
			select {
			case errs <- err:
			default:
			}
		}
	}()
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			select {
			case errs <- fmt.Errorf("serve the REST API: %w", err):
			default:
			}
		}
	}()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	// Stop taking requests (in-flight ones get a few seconds), then wait
	// for the coordinators, so that nothing writes after Serve returns.
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = errors.Join(err, srv.Shutdown(shut))
	stop()
	<-polled
	return err
}

// SetPolling turns an account's automatic polling on or off; forced
// refreshes (homeassistant.update_entity) still work while it is off.
func (a *App) SetPolling(accountID string, on bool) error {
	for _, acct := range a.accountList() {
		if acct.cfg.ID == accountID {
			acct.sched.SetPolling(on)
			return nil
		}
	}
	return fmt.Errorf("no account %s", accountID)
}

// SetInterval gives one source a custom polling interval (0: the
// integration's own).
func (a *App) SetInterval(src entity.Source, d time.Duration) error {
	for _, acct := range a.accountList() {
		if c, ok := acct.coord[src]; ok {
			c.SetInterval(d)
			return nil
		}
	}
	return fmt.Errorf("no coordinator for %s %s%d", src.Kind, src.VIN, src.SiteID)
}
