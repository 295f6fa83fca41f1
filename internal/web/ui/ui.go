package ui

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the UI.
type Options struct {
	Registry *entity.Registry
	// Gate checks API tokens at sign-in and counts failed attempts per
	// address (the same gate as the REST API's).
	Gate     *web.Gate
	Sessions SessionStore
	History  web.History // nil: no charts
	Cost     web.Cost    // nil: no cost page
	Polling  Polling     // nil: the cost page shows polling but cannot switch it
	// Alerts, when set, are shown on top of every page: what needs the
	// person now (an account whose sign-in Tesla refused).
	Alerts func() []Alert
	Setup  Setup // nil: no setup wizard
	Logger *slog.Logger
	// Secure marks the cookies Secure even on plain HTTP (behind a TLS
	// proxy that is not among the gate's trusted proxies); they always are
	// on TLS and behind a trusted proxy that says X-Forwarded-Proto: https.
	Secure     bool
	SessionTTL time.Duration  // default 14 days
	Location   *time.Location // for times shown (default the local zone)
	Now        func() time.Time
}

// Alert is a message on top of every page, with a link to what fixes it.
type Alert struct {
	Text, Link, LinkText string
}

// UI is the web UI's handler and its session check.
type UI struct {
	o     Options
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
}

var _ web.SessionAuth = (*UI)(nil)

// New parses the templates and sets the routes up.
func New(o Options) (*UI, error) {
	if o.Registry == nil || o.Gate == nil || o.Sessions == nil {
		return nil, errors.New("ui: a registry, a gate and a session store are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 14 * 24 * time.Hour
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	u := &UI{o: o, log: o.Logger, pages: pages, mux: http.NewServeMux()}
	u.routes()
	return u, nil
}

// ServeHTTP serves the pages (everything but /api/).
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'")
	u.mux.ServeHTTP(w, r)
}

// routes is the UI's route table. Pages behind sign-in go through
// u.page, forms through u.form (session and CSRF checked).
func (u *UI) routes() {
	static, _ := fs.Sub(staticFiles, "static")
	u.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	u.mux.HandleFunc("GET /login", u.loginPage)
	u.mux.HandleFunc("POST /login", u.login)
	u.mux.HandleFunc("POST /logout", u.form(u.logout))
	u.mux.HandleFunc("GET /{$}", u.page(u.dashboard))
	u.mux.HandleFunc("GET /entities", u.page(u.entities))
	u.mux.HandleFunc("POST /entities/enabled", u.form(u.setEnabled))
	u.mux.HandleFunc("POST /call", u.form(u.call))
	u.mux.HandleFunc("GET /history", u.page(u.history))
	u.mux.HandleFunc("GET /cost", u.page(u.cost))
	u.mux.HandleFunc("POST /cost/polling", u.form(u.setPolling))
	u.mux.HandleFunc("GET /setup", u.page(u.setupPage))
	u.mux.HandleFunc("POST /setup/{step}", u.form(u.runStep))
	u.mux.HandleFunc("GET /auth/callback", u.page(u.authCallback))
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}
