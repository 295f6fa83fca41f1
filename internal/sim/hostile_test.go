package sim

import (
	"strconv"
	"testing"
)

// Hostile paging values must give an empty page or the clamped one, never
// a crash of the handler (which would drop the connection).
func TestVehiclesPagingExtremes(t *testing.T) {
	e := startEnv(t, nil)
	maxInt := strconv.Itoa(int(^uint(0) >> 1))
	tests := []struct {
		query string
		n     int
	}{
		{"page=" + maxInt + "&per_page=2", 0},
		{"page=2&per_page=" + maxInt, 0},
		{"page=1&per_page=" + maxInt, 2},
		{"page=" + maxInt + "&per_page=" + maxInt, 0},
	}
	for _, tt := range tests {
		st, body := e.do("GET", "NA", "/api/1/vehicles?"+tt.query, e.tok, nil)
		if st != 200 {
			t.Errorf("%s: %d %s", tt.query, st, body)
			continue
		}
		var list struct {
			Response []map[string]any `json:"response"`
			Count    int              `json:"count"`
		}
		mustJSON(t, body, &list)
		if len(list.Response) != tt.n || list.Count != 2 {
			t.Errorf("%s: %d items, count %d; want %d items, count 2", tt.query, len(list.Response), list.Count, tt.n)
		}
	}
}

// The per-site billing table only names sites that exist on the caller's
// account: ids made up by the caller are counted, but not remembered one by
// one (a map keyed by request data would grow without bound).
func TestBillingIgnoresUnknownSiteIDs(t *testing.T) {
	e := startEnv(t, nil)
	noScope := e.token("vehicle_device_data")
	e.ctl("DELETE", "/_sim/billing", nil)
	for i := 1; i <= 3; i++ {
		id := strconv.Itoa(900000 + i)
		if st, b := e.do("GET", "NA", "/api/1/energy_sites/"+id+"/live_status", e.tok, nil); st != 404 {
			t.Fatalf("unknown site: %d %s", st, b)
		}
		if st, b := e.do("GET", "NA", "/api/1/energy_sites/"+id+"/site_info", noScope, nil); st != 403 {
			t.Fatalf("unknown site without scope: %d %s", st, b)
		}
		if st, b := e.do("POST", "NA", "/api/1/energy_sites/"+id+"/backup", e.tok, "{"); st != 400 && st != 404 {
			t.Fatalf("unknown site, bad body: %d %s", st, b)
		}
	}
	e.ctl("POST", "/_sim/faults", map[string]any{"path": "/api/1/energy_sites/*", "status": 418, "count": 1})
	e.do("GET", "NA", "/api/1/energy_sites/999999/live_status", e.tok, nil)
	e.do("GET", "NA", "/api/1/energy_sites/"+itoa(e.site)+"/live_status", e.tok, nil)

	var rep BillingReport
	mustJSON(t, e.ctl("GET", "/_sim/billing", nil), &rep)
	if len(rep.BySite) != 1 || rep.BySite[itoa(e.site)]["free"] != 1 {
		t.Errorf("by_site = %v, want only the real site", rep.BySite)
	}
	if rep.Counts["free"] != 11 {
		t.Errorf("counts = %v, want 11 free", rep.Counts)
	}
}
