package oauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// scopeInfo lists the scopes a third-party app may request, in Tesla's order,
// with the wording the consent page shows.
var scopeInfo = []struct{ Name, Text string }{
	{"openid", "Sign in with Tesla"},
	{"offline_access", "Stay signed in (refresh tokens)"},
	{"user_data", "Profile information"},
	{"vehicle_device_data", "Vehicle information"},
	{"vehicle_location", "Vehicle location"},
	{"vehicle_cmds", "Vehicle commands"},
	{"vehicle_charging_cmds", "Vehicle charging management"},
	{"energy_device_data", "Energy product information"},
	{"energy_cmds", "Energy product settings"},
}

// AllScopes returns every scope the simulator knows, in Tesla's order.
func AllScopes() []string {
	out := make([]string, len(scopeInfo))
	for i, s := range scopeInfo {
		out[i] = s.Name
	}
	return out
}

func knownScope(name string) bool {
	return slices.ContainsFunc(scopeInfo, func(s struct{ Name, Text string }) bool { return s.Name == name })
}

// The demo app's policy. Its redirect URIs accept any loopback callback
// (any port, any path) on 127.0.0.1, [::1] and localhost, plus any path
// under https://teslafleet.local/. Its allowed origins, which partner
// registration checks a domain against, are the same hosts: the demo
// domains "localhost", "127.0.0.1" and "teslafleet.local".
var (
	demoRedirectURIs = []string{"http://127.0.0.1:*", "http://[::1]:*", "http://localhost:*", "https://teslafleet.local/*"}
	demoOrigins      = []string{"http://localhost", "http://127.0.0.1", "https://teslafleet.local"}
)

// demoApp derives the built-in app's credentials from the seed.
func demoApp(seed int64) App {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(seed))
	id := sha256.Sum256(append(b[:], "teslafleet-sim demo client_id"...))
	secret := sha256.Sum256(append(b[:], "teslafleet-sim demo client_secret"...))
	return App{
		ClientID:       uuidString(id[:16]),
		ClientSecret:   "ta-secret." + hex.EncodeToString(secret[:12]),
		Name:           "teslafleet demo",
		RedirectURIs:   slices.Clone(demoRedirectURIs),
		AllowedOrigins: slices.Clone(demoOrigins),
		Scopes:         AllScopes(),
	}
}

// uuidString formats 16 bytes as a version-4 style UUID.
func uuidString(b []byte) string {
	u := slices.Clone(b[:16])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// normalizeApp fills the defaults of a registration: a random client id,
// a random secret for confidential apps, every scope, the demo app's
// loopback redirect policy and origins.
func normalizeApp(a App) App {
	if a.ClientID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		a.ClientID = uuidString(b[:])
	}
	if a.ClientSecret == "" && !a.Public {
		a.ClientSecret = "ta-secret." + strings.ToLower(rand.Text()[:24])
	}
	if a.Public {
		a.ClientSecret = ""
	}
	if a.Name == "" {
		a.Name = "app " + a.ClientID
	}
	if len(a.Scopes) == 0 {
		a.Scopes = AllScopes()
	}
	if len(a.RedirectURIs) == 0 {
		a.RedirectURIs = slices.Clone(demoRedirectURIs)
	}
	if len(a.AllowedOrigins) == 0 {
		a.AllowedOrigins = slices.Clone(demoOrigins)
	}
	a.Scopes = slices.Clone(a.Scopes)
	a.RedirectURIs = slices.Clone(a.RedirectURIs)
	a.AllowedOrigins = slices.Clone(a.AllowedOrigins)
	return a
}

func validateApp(a App) error {
	for _, s := range a.Scopes {
		if !knownScope(s) {
			return fmt.Errorf("unknown scope %q", s)
		}
	}
	for _, r := range a.RedirectURIs {
		u, err := url.Parse(strings.TrimSuffix(r, "*"))
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("redirect uri %q is not an absolute URL", r)
		}
	}
	return nil
}

// AddApp registers (or replaces) an app. Empty fields get the defaults of
// POST /_sim/apps; set ClientID, since AddApp cannot return a generated one.
func (s *Server) AddApp(a App) { s.addApp(normalizeApp(a)) }

func (s *Server) addApp(a App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[a.ClientID] = a
}

// App returns the registered app with this client id.
func (s *Server) App(clientID string) (App, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[clientID]
	if !ok {
		return App{}, false
	}
	a.Scopes = slices.Clone(a.Scopes)
	a.RedirectURIs = slices.Clone(a.RedirectURIs)
	a.AllowedOrigins = slices.Clone(a.AllowedOrigins)
	return a, true
}

// DemoApp returns the built-in app, derived from Options.Seed.
func (s *Server) DemoApp() App {
	a, _ := s.App(s.demoID)
	return a
}

// redirectAllowed reports whether uri is one of the app's redirect URIs:
// equal to an entry, or starting with an entry's text before a final "*".
// A URI with user info or a fragment never matches, so that a prefix such
// as "http://127.0.0.1:*" cannot be stretched to "http://127.0.0.1:1@evil/".
func redirectAllowed(a App, uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Fragment != "" || strings.Contains(uri, "#") {
		return false
	}
	for _, r := range a.RedirectURIs {
		if prefix, ok := strings.CutSuffix(r, "*"); ok {
			if strings.HasPrefix(uri, prefix) {
				return true
			}
		} else if r == uri {
			return true
		}
	}
	return false
}

// handleAddApp serves POST /_sim/apps: the body is an App; the answer is
// the registered app with its generated fields.
func (s *Server) handleAddApp(w http.ResponseWriter, r *http.Request) {
	var a App
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "invalid_request", Description: "body must be an app as JSON: " + err.Error()})
		return
	}
	a = normalizeApp(a)
	if err := validateApp(a); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "invalid_request", Description: err.Error()})
		return
	}
	s.addApp(a)
	writeJSON(w, http.StatusCreated, a)
}
