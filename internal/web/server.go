package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// Options configure the API.
type Options struct {
	Registry *entity.Registry
	// Tokens are the API tokens clients send as "Authorization: Bearer
	// <token>" (the configuration's). None may be empty; with none, Store
	// must be set.
	Tokens []string
	// Store, when set, also accepts the long-lived tokens it knows
	// (created with teslafleet token create).
	Store TokenValidator
	// Gate, when set, checks the tokens instead (shared with the web UI's
	// sign-in, so failures count once per address); Tokens, Store,
	// AuthFailures and AuthWindow are then unused.
	Gate *Gate
	// Sessions, when set, lets the web UI's signed-in browsers use the API
	// with their session cookie.
	Sessions SessionAuth
	Logger   *slog.Logger
	// Extra are more routes (pattern → handler) behind the same bearer
	// authentication, e.g. GET /api/teslafleet/doctor.
	Extra map[string]http.Handler

	// History answers GET /api/history/period (nil: 404).
	History History
	// Cost answers GET /api/teslafleet/cost (nil: 404).
	Cost Cost

	// GET /api/config's values that are not teslafleet's own (defaults:
	// location "Home" at 0, 0; time zone "UTC"; version "dev").
	LocationName                 string
	Latitude, Longitude          float64
	Elevation                    int
	TimeZone, ConfigDir, Version string
	Components                   []string        // more components to list
	AuthFailures                 int             // failed authentications per address and window before 429 (default 10)
	AuthWindow                   time.Duration   // default one minute
	KeepAlive                    time.Duration   // the event stream's ping interval (default 50 s, as Home Assistant)
	StreamBuffer                 int             // events queued per stream client before it is dropped (default 256)
	WriteTimeout                 time.Duration   // a stream write that blocks longer drops its client (default 10 s)
	Shutdown                     <-chan struct{} // closed when the server shuts down: event streams end
	Now                          func() time.Time
}

// maxBody bounds a request body.
const maxBody = 1 << 20

// New returns the API's handler.
func New(o Options) (http.Handler, error) {
	if o.Registry == nil {
		return nil, errors.New("web: no entity registry")
	}
	o = withDefaults(o)
	gate := o.Gate
	if gate == nil {
		var err error
		gate, err = NewGate(GateOptions{Tokens: o.Tokens, Store: o.Store, Failures: o.AuthFailures, Window: o.AuthWindow, Now: o.Now})
		if err != nil {
			return nil, err
		}
	}
	s := &server{
		reg: o.Registry, log: o.Logger, opts: o,
		auth:   gate,
		events: newHub(o.Registry, o.StreamBuffer, o.Now),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/{$}", s.apiRunning)
	mux.HandleFunc("GET /api/config", s.config)
	mux.HandleFunc("GET /api/states", s.states)
	mux.HandleFunc("GET /api/states/{entity_id}", s.state)
	mux.HandleFunc("GET /api/services", s.services)
	mux.HandleFunc("POST /api/services/{domain}/{service}", s.callService)
	mux.HandleFunc("GET /api/events", s.listEvents)
	mux.HandleFunc("POST /api/events/{event_type}", s.fireEvent)
	mux.HandleFunc("GET /api/stream", s.stream)
	mux.HandleFunc("GET /api/history/period", s.history)
	mux.HandleFunc("GET /api/history/period/{start}", s.history)
	mux.HandleFunc("GET /api/teslafleet/devices", s.devices)
	mux.HandleFunc("GET /api/teslafleet/cost", s.cost)
	mux.Handle("GET /api/websocket", s.websocket())
	for pattern, h := range o.Extra {
		mux.Handle(pattern, h)
	}
	return s.auth.wrap(mux, o.Sessions), nil
}

func withDefaults(o Options) Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LocationName == "" {
		o.LocationName = "Home"
	}
	if o.TimeZone == "" {
		o.TimeZone = "UTC"
	}
	if o.Version == "" {
		o.Version = haVersion
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = 50 * time.Second
	}
	if o.StreamBuffer <= 0 {
		o.StreamBuffer = 256
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

type server struct {
	reg    *entity.Registry
	log    *slog.Logger
	opts   Options
	auth   *Gate
	events *hub
}

func (s *server) apiRunning(w http.ResponseWriter, _ *http.Request) {
	message(w, http.StatusOK, "API running.")
}

func (s *server) states(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.reg.States())
}

func (s *server) state(w http.ResponseWriter, r *http.Request) {
	st, ok := s.reg.State(r.PathValue("entity_id"))
	if !ok {
		message(w, http.StatusNotFound, "Entity not found.")
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// serviceDomain is one entry of GET /api/services.
type serviceDomain struct {
	Domain   string                 `json:"domain"`
	Services map[string]serviceInfo `json:"services"`
}

type serviceInfo struct {
	Name        string                  `json:"name"`
	Description string                  `json:"description"`
	Fields      map[string]entity.Field `json:"fields"`
}

func (s *server) services(w http.ResponseWriter, _ *http.Request) {
	var out []serviceDomain
	for domain, svcs := range entity.Services() {
		d := serviceDomain{Domain: domain, Services: map[string]serviceInfo{}}
		for name, fields := range svcs {
			info := serviceInfo{Name: serviceName(name), Fields: map[string]entity.Field{}}
			for _, f := range fields {
				info.Fields[f.Name] = f
			}
			d.Services[name] = info
		}
		out = append(out, d)
	}
	sortDomains(out)
	writeJSON(w, http.StatusOK, out)
}

// serviceName is a service's name as Home Assistant's English
// translations give it ("turn_on" → "Turn on").
func serviceName(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// callService is POST /api/services/{domain}/{service}: the body's
// entity_id (a string or a list) are the targets, the rest is the data.
func (s *server) callService(w http.ResponseWriter, r *http.Request) {
	if _, ok := r.URL.Query()["return_response"]; ok {
		message(w, http.StatusBadRequest, "Service does not support responses. Remove return_response from request.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		message(w, http.StatusBadRequest, "Data should be valid JSON.")
		return
	}
	data := map[string]any{}
	if len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		if err := dec.Decode(&data); err != nil || dec.More() {
			message(w, http.StatusBadRequest, "Data should be valid JSON.")
			return
		}
	}
	targets, err := entityIDs(data["entity_id"])
	if err != nil {
		message(w, http.StatusBadRequest, err.Error())
		return
	}
	delete(data, "entity_id")
	domain, service := r.PathValue("domain"), r.PathValue("service")
	ctx := entity.WithUser(r.Context(), "api")
	changed, err := s.reg.Call(ctx, domain, service, targets, data)
	if err != nil {
		s.fail(w, domain+"."+service, err)
		return
	}
	if changed == nil {
		changed = []entity.State{}
	}
	writeJSON(w, http.StatusOK, changed)
}

// fail answers a failed call: an unknown service as Home Assistant's plain
// "400: Bad Request", anything else with its message and the status the
// entity layer gives it.
func (s *server) fail(w http.ResponseWriter, service string, err error) {
	var e *entity.Error
	if !errors.As(err, &e) {
		s.log.Error("web: service call failed", "service", service, "err", err)
		message(w, http.StatusInternalServerError, err.Error())
		return
	}
	if e.Key == "service_not_found" {
		plain(w, http.StatusBadRequest, "400: Bad Request")
		return
	}
	if e.Kind == entity.KindFailed {
		s.log.Warn("web: service call failed", "service", service, "err", e.Err)
	}
	message(w, e.HTTPStatus(), e.Message)
}

// entityIDs reads entity_id: a string (comma separated, as Home
// Assistant's comp_entity_ids accepts) or a list of strings.
func entityIDs(v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		var out []string
		for _, id := range strings.Split(t, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
		return out, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, errors.New("entity_id must be a string or a list of strings")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New("entity_id must be a string or a list of strings")
}
