package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/poll"
	"github.com/teslafleet/teslafleet/internal/web"
)

// Config is what an App needs: a signed-in account's Fleet API client,
// its command sender, and how to serve.
type Config struct {
	Client    *fleet.Client // reads (the coordinators' fetcher)
	Sender    entity.Sender // commands (*command.Commander)
	AccountID string        // the token's subject
	Scopes    []string      // the token's scopes
	Products  *fleet.Products

	Units      entity.UnitSystem
	AllEnabled bool          // enable every entity (Home Assistant's snapshot tests do)
	Interval   time.Duration // a custom polling interval for every product (0: the integration's)

	Listen   string // the REST API's address
	APIToken string // its bearer token
	Logger   *slog.Logger
}

// App wires the coordinators, the entity registry and the REST API for one
// account. It only wires: each part lives in its own package.
type App struct {
	cfg   Config
	reg   *entity.Registry
	sched *poll.Scheduler
	http  *http.Server
	ln    net.Listener
	coord map[entity.Source]*poll.Coordinator
}

// New sets every product up as the integration does (the first refresh of
// each coordinator decides which entities exist), and listens on
// cfg.Listen. Run serves.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a := &App{cfg: cfg, coord: map[entity.Source]*poll.Coordinator{}}
	a.reg = entity.New(entity.Options{Units: cfg.Units, AllEnabled: cfg.AllEnabled, Logger: cfg.Logger})
	a.reg.AddAccount(entity.Account{ID: cfg.AccountID, Scopes: cfg.Scopes, Sender: cfg.Sender, Poller: poller{a}})
	a.sched = poll.New(poll.Config{Fetcher: cfg.Client, Sink: a.apply, Logger: cfg.Logger})
	if err := a.setUp(ctx); err != nil {
		return nil, err
	}
	h, err := web.New(web.Options{Registry: a.reg, Token: cfg.APIToken, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen for the REST API: %w", err)
	}
	a.ln = ln
	a.http = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return a, nil
}

// URL is the REST API's base URL.
func (a *App) URL() string { return "http://" + a.ln.Addr().String() }

// Registry is the app's entity registry.
func (a *App) Registry() *entity.Registry { return a.reg }

// Run polls and serves until ctx ends.
func (a *App) Run(ctx context.Context) error {
	errs := make(chan error, 2)
	go func() { errs <- a.sched.Run(ctx) }()
	go func() {
		if err := a.http.Serve(a.ln); !errors.Is(err, http.ErrServerClosed) {
			errs <- err
			return
		}
		errs <- nil
	}()
	select {
	case <-ctx.Done():
	case err := <-errs:
		if err != nil {
			a.http.Close()
			return err
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return a.http.Shutdown(shut)
}
