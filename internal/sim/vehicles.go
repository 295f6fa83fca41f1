package sim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// GET /api/1/products
func (h *regionHandler) products(c *call) error {
	items := h.c.world.Products(c.account)
	if items == nil {
		items = []map[string]any{}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"response": items, "count": len(items)})
	return nil
}

// GET /api/1/vehicles?page=&per_page=
func (h *regionHandler) vehicles(c *call) error {
	all := h.c.world.Vehicles(c.account)
	q := c.r.URL.Query()
	page, perPage := atoiDefault(q.Get("page"), 1), atoiDefault(q.Get("per_page"), 100)
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = 100
	}
	pages := 1
	if perPage < len(all) {
		pages = (len(all) + perPage - 1) / perPage
	}
	// page and per_page come from the caller: compare before multiplying so
	// that huge values cannot overflow into a negative slice bound.
	from, to := len(all), len(all)
	if page <= pages {
		from = (page - 1) * perPage
		to = from + min(perPage, len(all)-from)
	}
	items := all[from:to]
	if items == nil {
		items = []map[string]any{}
	}
	var prev, next any
	if page > 1 {
		prev = page - 1
	}
	if page < pages {
		next = page + 1
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"response": items,
		"pagination": map[string]any{
			"previous": prev, "next": next, "current": page, "per_page": perPage,
			"count": len(all), "pages": pages,
		},
		"count": len(all),
	})
	return nil
}

// GET /api/1/vehicles/{tag}
func (h *regionHandler) vehicle(c *call) error {
	v, err := h.c.world.Vehicle(c.account, c.vin)
	if err != nil {
		return err
	}
	respond(c.w, v)
	return nil
}

// GET /api/1/vehicles/{tag}/vehicle_data?endpoints=a;b
func (h *regionHandler) vehicleData(c *call) error {
	eps := endpointsParam(c.r.URL.RawQuery)
	q := world.DataQuery{Endpoints: eps}
	for _, e := range eps {
		if e == "location_data" && c.hasScope(scopeLocation) {
			q.Location = true
		}
	}
	data, err := h.c.world.VehicleData(c.account, c.vin, q)
	if err != nil {
		return err
	}
	if !q.Location {
		scrubLocation(data)
	}
	respond(c.w, data)
	return nil
}

// locationFields are withheld without location_data + vehicle_location.
var locationFields = []string{"latitude", "longitude", "native_latitude", "native_longitude",
	"active_route_latitude", "active_route_longitude"}

func scrubLocation(data map[string]any) {
	ds, ok := data["drive_state"].(map[string]any)
	if !ok {
		return
	}
	for _, k := range locationFields {
		delete(ds, k)
	}
}

// endpointsParam reads "endpoints" from a raw query, split on ';' (raw or
// %3B) or ','.
func endpointsParam(rawQuery string) []string {
	var out []string
	for _, kv := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k != "endpoints" {
			continue
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		for _, e := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' }) {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// POST /api/1/vehicles/{tag}/wake_up
func (h *regionHandler) wakeUp(c *call) error {
	v, err := h.c.world.WakeUp(c.account, c.vin)
	if err != nil {
		return err
	}
	respond(c.w, v)
	return nil
}

// GET /api/1/users/region
func (h *regionHandler) userRegion(c *call) error {
	if c.p.Partner {
		return errMissingScopes()
	}
	respond(c.w, map[string]any{
		"region":             strings.ToLower(h.region),
		"fleet_api_base_url": h.c.BaseURL(h.region),
	})
	return nil
}

func atoiDefault(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
