package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/store"
)

// ServeOptions are the flags of `teslafleet serve`; set ones win over the
// configuration file and the environment.
type ServeOptions struct {
	ConfigPath string
	DataDir    string
	Listen     string
	APIToken   string
	Env        []string     // the process environment (TESLAFLEET_*)
	Logger     *slog.Logger // nil: from the configuration's log settings
	LogOut     io.Writer    // where a configured logger writes (stderr)
}

// apiTokenFile holds the API token serve made on its first start, when the
// configuration names none.
const apiTokenFile = "api-token"

// RunServe is the service: it loads the configuration, opens the store,
// resumes every stored account (refreshing tokens as needed), and runs the
// coordinators, the entity registry and the REST API until ctx ends; then
// it shuts down in order (the API, the coordinators, the history and the
// ledger writers, the store).
func RunServe(ctx context.Context, o ServeOptions, out io.Writer) error {
	cfg, file, err := LoadConfig(o.ConfigPath, o.Env)
	if err != nil {
		return err
	}
	if o.DataDir != "" {
		cfg.DataDir = o.DataDir
	}
	if o.Listen != "" {
		cfg.Listen = o.Listen
	}
	log := o.Logger
	if log == nil {
		log = newConfiguredLogger(cfg.Log, o.LogOut)
	}
	st, err := store.Open(ctx, store.Options{Dir: cfg.DataDir, Retention: cfg.History.Retention, HistoryQueue: cfg.History.Queue, Logger: log})
	if err != nil {
		return fmt.Errorf("open the store in %s: %w", cfg.DataDir, err)
	}
	defer st.Close()
	p, err := newPersistence(ctx, st, log)
	if err != nil {
		return err
	}
	defer p.close()

	fc, err := appCredentials(ctx, cfg, st)
	if err != nil {
		return err
	}
	metrics := newMetrics(st)
	ledger, err := p.ledger(ctx, time.Now(), metrics)
	if err != nil {
		return err
	}
	metrics.bindLedger(ledger)
	fc.Ledger, fc.Logger = ledger, log

	accounts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		fmt.Fprintf(out, "No Tesla account is signed in yet: run teslafleet login%s, then start serve again.\n", configFlag(file))
	}
	keys, err := setup.LoadKey(cfg.DataDir)
	if errors.Is(err, setup.ErrNoKey) {
		keys = nil
		fmt.Fprintf(out, "No command key: commands go out unsigned (teslafleet keygen makes one).\n")
	} else if err != nil {
		return err
	}
	var key, publicPEM []byte
	if keys != nil {
		key, publicPEM = keys.PrivatePEM, keys.PublicPEM
	}
	var running []Account
	for _, acct := range accounts {
		ra, err := resumeAccount(ctx, fc, acct, st, p, key, cfg.Tesla.Domain)
		if err != nil {
			log.Error("account not resumed", "account", acct.ID, "err", err)
			fmt.Fprintf(out, "Account %s not resumed: %v\n", acct.ID, err)
			continue
		}
		running = append(running, ra)
		fmt.Fprintf(out, "Account %s (%s): %d vehicles, %d energy sites\n", acct.ID, acct.Region, len(ra.Products.Vehicles()), len(ra.Products.EnergySites()))
	}
	tokens, err := apiTokens(cfg, o.APIToken, out)
	if err != nil {
		return err
	}
	units, err := ParseUnits(string(cfg.Units))
	if err != nil {
		return err
	}
	doctor := &doctorRoute{cfg: cfg, fc: fc}
	wiz := newWizard(st, cfg, fc, "")
	a, err := New(ctx, Config{
		Accounts: running, Units: units, Interval: cfg.Polling.Interval,
		Prefs: p.entityPrefs(), OnPref: p.onPref, OnSnapshot: p.onSnapshot, LastData: p.lastVehicleData,
		APITokens: tokens, PublicKeyPEM: publicPEM, Logger: log,
		Extra:      metrics.routes(map[string]http.Handler{"GET /api/teslafleet/doctor": doctor}),
		TokenStore: newAPITokenStore(st, log), History: historyReader{st}, Cost: costReader{ledger: ledger},
		UISessions: uiSessions{st}, ConfigDir: cfg.DataDir, metrics: metrics,
		Setup: wiz, TrustedProxies: cfg.Proxies(), PollingStore: st, PollingEnabled: cfg.Polling.Enabled,
	})
	if err != nil {
		return err
	}
	// An account signed in from the web UI is served at once.
	wiz.serveAccount = func(ctx context.Context, sa store.Account) (string, error) {
		ra, err := resumeAccount(ctx, fc, sa, st, p, key, cfg.Tesla.Domain)
		if err != nil {
			return "", err
		}
		on, err := st.Polling(ctx, sa.ID)
		if err != nil {
			return "", err
		}
		added, err := a.AddAccount(ctx, ra, on && cfg.Polling.Enabled)
		if err != nil {
			return "", err
		}
		if added {
			doctor.add(doctorAccounts([]Account{ra}, []store.Account{sa})[0])
		}
		return fmt.Sprintf("%d vehicles and %d energy sites added to the dashboard", len(ra.Products.Vehicles()), len(ra.Products.EnergySites())), nil
	}
	doctor.add(doctorAccounts(running, accounts)...)
	for _, acct := range running {
		on, err := st.Polling(ctx, acct.ID)
		if err != nil {
			return err
		}
		if err := a.SetPolling(acct.ID, on && cfg.Polling.Enabled); err != nil {
			return err
		}
	}
	stopHistory := p.recordHistory(a.Registry())
	defer stopHistory()

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen for the REST API on %s: %w", cfg.Listen, err)
	}
	fmt.Fprintf(out, "%d entities on %d devices\n", len(a.Registry().Entities()), len(a.Registry().Devices()))
	fmt.Fprintf(out, "Web UI at http://%s/\n", ln.Addr())
	fmt.Fprintf(out, "REST API at http://%s/api/\n", ln.Addr())
	if publicPEM != nil && cfg.Tesla.Domain != "" {
		fmt.Fprintf(out, "Public key served at %s on this listener (Tesla fetches %s)\n", setup.PublicKeyPath, setup.PublicKeyURL(cfg.Tesla.Domain))
	}
	metrics.bind(a)
	stopMQTT, err := startMQTT(ctx, cfg.MQTT, a.Registry(), metrics, out, log)
	if err != nil {
		return err
	}
	defer stopMQTT()
	if cfg.Hosting.ACME {
		go func() {
			if err := serveACME(ctx, cfg, a.Handler(), log); err != nil {
				log.Error("hosting: ACME", "err", err)
			}
		}()
	}
	err = a.Serve(ctx, ln)
	printCost(out, ledger.Totals())
	return err
}

// appCredentials is the Fleet API configuration with the app's client id
// and secret: the configuration's, else the ones login stored.
func appCredentials(ctx context.Context, cfg config.Config, st *store.Store) (fleet.Config, error) {
	fc := fleetConfig(cfg)
	if fc.ClientID != "" {
		return fc, nil
	}
	app, ok, err := st.App(ctx)
	if err != nil {
		return fc, err
	}
	if !ok {
		return fc, errors.New("no Tesla application: set tesla.client_id and tesla.client_secret in the configuration")
	}
	fc.ClientID, fc.ClientSecret = app.ClientID, app.ClientSecret
	return fc, nil
}

// resumeAccount builds a stored account's client (its tokens in the store)
// and command sender, and lists its products.
func resumeAccount(ctx context.Context, fc fleet.Config, acct store.Account, st *store.Store, p *persistence, key []byte, domain string) (Account, error) {
	fc.Region = fleet.Region(acct.Region)
	tm := fleet.NewOAuth(fc).TokenManager(tokenStore{st: st, account: acct.ID})
	client := fleet.New(fc, tm)
	products, err := client.Products(ctx)
	if err != nil {
		return Account{}, fmt.Errorf("list products: %w", err)
	}
	cc := command.Config{Fleet: client, Sessions: p.sessions(acct.ID), Domain: domain, Logger: fc.Logger}
	if key != nil {
		k, err := command.ParsePrivateKey(key)
		if err != nil {
			return Account{}, fmt.Errorf("the command key: %w", err)
		}
		cc.Key = k
	}
	cmdr, err := command.New(cc)
	if err != nil {
		return Account{}, err
	}
	return Account{ID: acct.ID, Scopes: acct.Scopes, Client: client, Sender: cmdr, Products: products}, nil
}

// apiTokens are the REST API's tokens: the flag's, else the
// configuration's, else the one made on the first start and kept (0600)
// in the data directory.
func apiTokens(cfg config.Config, flag string, out io.Writer) ([]string, error) {
	if flag != "" {
		return []string{flag}, nil
	}
	if len(cfg.APITokens) > 0 {
		return config.Reveal(cfg.APITokens), nil
	}
	path := filepath.Join(cfg.DataDir, apiTokenFile)
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return []string{strings.TrimSpace(string(b))}, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read the API token: %w", err)
	}
	tok, err := randomHex(24)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("keep the API token: %w", err)
	}
	fmt.Fprintf(out, "Made an API token and kept it in %s (set api_tokens in the configuration to choose your own)\n", path)
	return []string{tok}, nil
}

// configFlag is " --config FILE" when a file was used.
func configFlag(file string) string {
	if file == "" {
		return ""
	}
	return " --config " + file
}

// newConfiguredLogger is the logger the configuration asks for.
func newConfiguredLogger(l config.Log, w io.Writer) *slog.Logger {
	if w == nil {
		w = os.Stderr
	}
	opts := &slog.HandlerOptions{Level: l.Level.Slog()}
	if l.Format == config.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
