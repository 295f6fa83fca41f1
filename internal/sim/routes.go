package sim

import (
	"net/http"
	"strings"
)

// Billing and rate-limit categories.
const (
	catData     = "data"
	catCommands = "commands"
	catWakes    = "wakes"
	catFree     = "free"
)

// Scopes.
const (
	scopeDeviceData   = "vehicle_device_data"
	scopeLocation     = "vehicle_location"
	scopeCmds         = "vehicle_cmds"
	scopeChargingCmds = "vehicle_charging_cmds"
	scopeEnergyData   = "energy_device_data"
	scopeEnergyCmds   = "energy_cmds"
	scopeUserData     = "user_data"
)

// route is one Fleet API endpoint.
type route struct {
	pattern  string // ServeMux pattern with method
	scopes   []string
	scopeFn  func(r *http.Request) []string // overrides scopes when set
	category string
	partner  bool // a partner endpoint: partner token required, exempt from the 412 check
	handle   func(h *regionHandler, c *call) error
}

// scopesFor lists the scopes of which the caller needs at least one.
func (rt *route) scopesFor(r *http.Request) []string {
	if rt.scopeFn != nil {
		return rt.scopeFn(r)
	}
	return rt.scopes
}

// any product scope (products lists vehicles and energy sites)
var productScopes = []string{scopeDeviceData, scopeLocation, scopeCmds, scopeChargingCmds, scopeEnergyData, scopeEnergyCmds}

// routeTable is the one table of the modelled Fleet API.
func routeTable() []*route {
	vehicleRead := []string{scopeDeviceData}
	return []*route{
		{pattern: "GET /api/1/products", scopes: productScopes, category: catFree, handle: (*regionHandler).products},
		{pattern: "GET /api/1/vehicles", scopes: vehicleRead, category: catFree, handle: (*regionHandler).vehicles},
		{pattern: "GET /api/1/vehicles/{tag}", scopes: vehicleRead, category: catFree, handle: (*regionHandler).vehicle},
		{pattern: "GET /api/1/vehicles/{tag}/vehicle_data", scopes: vehicleRead, category: catData, handle: (*regionHandler).vehicleData},
		{pattern: "POST /api/1/vehicles/{tag}/wake_up", scopes: []string{scopeDeviceData, scopeCmds}, category: catWakes, handle: (*regionHandler).wakeUp},
		{pattern: "POST /api/1/vehicles/{tag}/command/{name}", scopeFn: commandScopes, category: catCommands, handle: (*regionHandler).command},
		{pattern: "POST /api/1/vehicles/{tag}/signed_command", scopes: []string{scopeCmds, scopeChargingCmds}, category: catCommands, handle: (*regionHandler).signedCommand},
		{pattern: "POST /api/1/vehicles/fleet_status", scopes: vehicleRead, category: catFree, handle: (*regionHandler).fleetStatus},
		{pattern: "GET /api/1/users/region", category: catFree, handle: (*regionHandler).userRegion},
		{pattern: "GET /api/1/users/me", scopes: []string{scopeUserData}, category: catFree, handle: (*regionHandler).userMe},

		{pattern: "GET /api/1/energy_sites/{id}/site_info", scopes: []string{scopeEnergyData}, category: catFree, handle: (*regionHandler).siteInfo},
		{pattern: "GET /api/1/energy_sites/{id}/live_status", scopes: []string{scopeEnergyData}, category: catFree, handle: (*regionHandler).liveStatus},
		{pattern: "GET /api/1/energy_sites/{id}/calendar_history", scopes: []string{scopeEnergyData}, category: catFree, handle: (*regionHandler).calendarHistory},
		{pattern: "POST /api/1/energy_sites/{id}/backup", scopes: []string{scopeEnergyCmds}, category: catFree, handle: siteCommand("backup")},
		{pattern: "POST /api/1/energy_sites/{id}/operation", scopes: []string{scopeEnergyCmds}, category: catFree, handle: siteCommand("operation")},
		{pattern: "POST /api/1/energy_sites/{id}/storm_mode", scopes: []string{scopeEnergyCmds}, category: catFree, handle: siteCommand("storm_mode")},
		{pattern: "POST /api/1/energy_sites/{id}/grid_import_export", scopes: []string{scopeEnergyCmds}, category: catFree, handle: siteCommand("grid_import_export")},
		{pattern: "POST /api/1/energy_sites/{id}/off_grid_vehicle_charging_reserve", scopes: []string{scopeEnergyCmds}, category: catFree, handle: siteCommand("off_grid_vehicle_charging_reserve")},

		{pattern: "POST /api/1/partner_accounts", partner: true, category: catFree, handle: (*regionHandler).registerPartner},
		{pattern: "GET /api/1/partner_accounts/public_key", partner: true, category: catFree, handle: (*regionHandler).partnerPublicKey},
	}
}

// regionHandler is the host of one region.
type regionHandler struct {
	c      *Cloud
	region string
	mux    *http.ServeMux
	routes map[string]*route // by pattern
}

func (c *Cloud) newRegionHandler(region string) http.Handler {
	h := &regionHandler{c: c, region: region, mux: http.NewServeMux(), routes: map[string]*route{}}
	for _, rt := range routeTable() {
		h.routes[rt.pattern] = rt
		h.mux.Handle(rt.pattern, h.api(rt))
	}
	h.mux.HandleFunc("/api/", h.unmodelled)
	h.mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})
	h.mux.HandleFunc("GET /_ak/{domain}", h.pair)
	c.auth.Register(h.mux)
	h.registerControls()
	return keepSemicolons(h)
}

// ServeHTTP injects faults (everything but the controls) and routes.
func (h *regionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/_sim/") && r.URL.Path != "/status" {
		if h.injectFault(w, r) {
			return
		}
	}
	h.mux.ServeHTTP(w, r)
}

// unmodelled answers /api/ paths no route serves: 405 if another method
// would match, else Tesla's 404.
func (h *regionHandler) unmodelled(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pat := h.mux.Handler(r2); pat != "" && pat != "/api/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, h.c.log, newError(http.StatusMethodNotAllowed, "invalid_method", ""))
		return
	}
	h.c.log.Warn("sim: unmodelled request", "method", r.Method, "path", r.URL.Path)
	writeError(w, h.c.log, newError(http.StatusNotFound, msgNotFound, ""))
}
