package app

import (
	"context"
	"errors"
	"net/http"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/store"
	"github.com/teslafleet/teslafleet/internal/web"
	"github.com/teslafleet/teslafleet/internal/web/ui"
)

// uiSessions gives the web UI the store's password hash and sessions.
type uiSessions struct{ st *store.Store }

var _ ui.SessionStore = uiSessions{}

func (u uiSessions) Password(ctx context.Context) ([]byte, bool, error) { return u.st.UIPassword(ctx) }

func (u uiSessions) SetPassword(ctx context.Context, hash []byte) error {
	return u.st.SetUIPassword(ctx, hash)
}

func (u uiSessions) SaveSession(ctx context.Context, s ui.Session) error {
	return u.st.SaveUISession(ctx, store.UISession{Hash: s.Hash, CSRF: s.CSRF, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt})
}

func (u uiSessions) Session(ctx context.Context, hash string) (ui.Session, error) {
	s, err := u.st.UISession(ctx, hash)
	if errors.Is(err, store.ErrNoSession) {
		return ui.Session{}, ui.ErrNoSession
	}
	return ui.Session{Hash: s.Hash, CSRF: s.CSRF, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt}, err
}

func (u uiSessions) DeleteSession(ctx context.Context, hash string) error {
	return u.st.DeleteUISession(ctx, hash)
}

// handler is the listener's routes: the REST API under /api/ (and the
// metrics, behind the same tokens), the web UI (when the app has a session
// store) everywhere else, and the hosted public key.
func (a *App) handler(reg *entity.Registry, cfg Config) (http.Handler, error) {
	if cfg.Cost != nil {
		cfg.Cost = costWithDrivers{Cost: cfg.Cost, a: a}
	}
	gate, err := web.NewGate(web.GateOptions{Tokens: cfg.APITokens, Store: cfg.TokenStore, TrustedProxies: cfg.TrustedProxies})
	if err != nil {
		return nil, err
	}
	var pages *ui.UI
	if cfg.UISessions != nil {
		var polling ui.Polling
		if cfg.PollingStore != nil {
			polling = pollingSwitch{a: a, st: cfg.PollingStore, enabled: cfg.PollingEnabled}
		}
		pages, err = ui.New(ui.Options{
			Registry: reg, Gate: gate, Sessions: cfg.UISessions, History: cfg.History, Cost: cfg.Cost,
			Polling: polling, Alerts: a.alerts, Logger: cfg.Logger, Setup: cfg.Setup,
		})
		if err != nil {
			return nil, err
		}
	}
	opts := web.Options{
		Registry: reg, Gate: gate, Logger: cfg.Logger, Extra: cfg.Extra,
		History: cfg.History, Cost: cfg.Cost, TimeZone: cfg.TimeZone, ConfigDir: cfg.ConfigDir, Version: Version(),
		Shutdown: a.shutdown,
	}
	if pages != nil {
		opts.Sessions = pages
	}
	api, err := web.New(opts)
	if err != nil {
		return nil, err
	}
	if pages == nil {
		return withKeyHosting(api, cfg.PublicKeyPEM), nil
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/api", api)
	mux.Handle("/metrics", api)
	mux.Handle("/", pages)
	return withKeyHosting(mux, cfg.PublicKeyPEM), nil
}

// alerts are what the web UI shows on top of every page: the accounts
// whose sign-in Tesla refused, with the way to sign in again.
func (a *App) alerts() []ui.Alert {
	var out []ui.Alert
	for _, id := range a.ReloginNeeded() {
		out = append(out, ui.Alert{
			Text: "Tesla refused the sign-in of account " + id + ": its cars and sites are unavailable until it signs in again.",
			Link: "/setup#step-login", LinkText: "Sign in again",
		})
	}
	return out
}
