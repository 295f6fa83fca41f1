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

	APIToken string // the REST API's bearer token
	Logger   *slog.Logger
}

// App wires the coordinators, the entity registry and the REST API for one
// account. It only wires: each part lives in its own package.
type App struct {
	cfg   Config
	reg   *entity.Registry
	sched *poll.Scheduler
	api   http.Handler
	coord map[entity.Source]*poll.Coordinator
}

// New sets every product up as the integration does (the first refresh of
// each coordinator decides which entities exist). Serve runs it.
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
	a.api = h
	return a, nil
}

// Handler is the REST API.
func (a *App) Handler() http.Handler { return a.api }

// Registry is the app's entity registry.
func (a *App) Registry() *entity.Registry { return a.reg }

// Poll runs the coordinators until ctx ends.
func (a *App) Poll(ctx context.Context) error { return a.sched.Run(ctx) }

// Serve polls, and serves the REST API on ln, until ctx ends.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: a.api, ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 2)
	go func() { errs <- a.Poll(ctx) }()
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("serve the REST API: %w", err)
		}
	}()
	select {
	case <-ctx.Done():
	case err := <-errs:
		if err != nil {
			srv.Close()
			return err
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}

// SetPolling turns the account's automatic polling on or off; forced
// refreshes (homeassistant.update_entity) still work while it is off.
func (a *App) SetPolling(on bool) { a.sched.SetPolling(on) }

// SetInterval gives one source a custom polling interval (0: the
// integration's own).
func (a *App) SetInterval(src entity.Source, d time.Duration) error {
	c, ok := a.coord[src]
	if !ok {
		return fmt.Errorf("no coordinator for %s %s%d", src.Kind, src.VIN, src.SiteID)
	}
	c.SetInterval(d)
	return nil
}
