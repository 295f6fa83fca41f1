package sim

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.ms, "online")
	path := "/api/1/vehicles/" + e.ms + "/vehicle_data"
	e.ctl("POST", "/_sim/faults", map[string]any{"method": "GET", "path": path, "status": 503,
		"body": `{"response":null,"error":"upstream timeout","error_description":""}`, "retry_after": 30, "count": 2})
	for i := range 2 {
		resp := e.doResp("GET", "NA", path, e.tok, nil)
		body := readAll(t, resp)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "30" {
			t.Fatalf("fault %d: %d Retry-After %q", i+1, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		wantBody(t, body, `{"response":null,"error":"upstream timeout","error_description":""}`)
	}
	if st, body := e.do("GET", "NA", path, e.tok, nil); st != 200 {
		t.Errorf("after count: %d %s", st, body)
	}

	// Method "" matches any method; a path ending in "*" is a prefix; the
	// fault answers before authentication.
	e.ctl("POST", "/_sim/faults", map[string]any{"path": "/api/1/vehicles/*", "status": 429, "body": "Retry in 5 seconds"})
	st, body := e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/wake_up", "", nil)
	if st != 429 || string(body) != "Retry in 5 seconds" {
		t.Errorf("prefix fault: %d %q", st, body)
	}
	// DELETE clears pending faults.
	e.ctl("POST", "/_sim/faults", map[string]any{"path": "/api/1/products", "status": 500, "count": -1})
	e.ctl("DELETE", "/_sim/faults", nil)
	if st, _ := e.do("GET", "NA", "/api/1/products", e.tok, nil); st != 200 {
		t.Errorf("after DELETE: %d", st)
	}
	// Bad faults are refused.
	if st, _ := e.do("POST", "NA", "/_sim/faults", "", map[string]any{"path": "/x", "latency": "soon"}); st != 400 {
		t.Errorf("bad latency accepted: %d", st)
	}
}

func TestFaultLatency(t *testing.T) {
	e := startEnv(t, nil)
	// Latency only: the real answer follows the delay.
	e.ctl("POST", "/_sim/faults", map[string]any{"path": "/api/1/products", "latency": "50ms"})
	start := time.Now()
	if st, _ := e.do("GET", "NA", "/api/1/products", e.tok, nil); st != 200 {
		t.Errorf("latency fault: %d", st)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("answered after %v, want >= 50ms", d)
	}
	// A long latency ends with the client's context.
	e.ctl("POST", "/_sim/faults", map[string]any{"path": "/api/1/products", "latency": "1h", "status": 503})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.s.URLs["NA"]+"/api/1/products", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("answered during a 1h latency: %d", resp.StatusCode)
	}
	// Close must not hang on the abandoned request (the cleanup checks it).
}

func TestBilling(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.ms, "online")
	e.ctl("DELETE", "/_sim/billing", nil)
	vd := "/api/1/vehicles/" + e.ms + "/vehicle_data"

	e.do("GET", "NA", vd, e.tok, nil)                                                 // data (200)
	e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/command/flash_lights", e.tok, nil)   // commands (200)
	e.do("GET", "NA", "/api/1/products", e.tok, nil)                                  // free
	e.do("GET", "NA", "/api/1/vehicles/"+e.ms, e.tok, nil)                            // free
	e.do("GET", "NA", "/api/1/energy_sites/"+itoa(e.site)+"/live_status", e.tok, nil) // free
	e.do("GET", "NA", "/api/1/products", "", nil)                                     // 401: not billed
	e.ctl("POST", "/_sim/faults", map[string]any{"path": vd, "status": 503})
	e.do("GET", "NA", vd, e.tok, nil) // 503: not billed
	e.ctl("POST", "/_sim/faults", map[string]any{"path": vd, "status": 429})
	e.do("GET", "NA", vd, e.tok, nil) // 429: billed (status below 500)
	e.setState(e.ms, "asleep")
	e.do("GET", "NA", vd, e.tok, nil)                                  // 408: billed
	e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/wake_up", e.tok, nil) // wakes

	var rep BillingReport
	mustJSON(t, e.ctl("GET", "/_sim/billing", nil), &rep)
	want := map[string]int{"data": 3, "commands": 1, "wakes": 1, "free": 3}
	for k, n := range want {
		if rep.Counts[k] != n {
			t.Errorf("counts[%s] = %d, want %d (all %v)", k, rep.Counts[k], n, rep.Counts)
		}
	}
	if v := rep.ByVehicle[e.ms]; v["data"] != 3 || v["commands"] != 1 || v["wakes"] != 1 || v["free"] != 1 {
		t.Errorf("by_vehicle[%s] = %v", e.ms, v)
	}
	if s := rep.BySite[itoa(e.site)]; s["free"] != 1 {
		t.Errorf("by_site = %v", rep.BySite)
	}
	if wantCost := 3*0.002 + 0.001 + 0.02; rep.CostUSD < wantCost-1e-9 || rep.CostUSD > wantCost+1e-9 {
		t.Errorf("cost_usd = %v, want %v", rep.CostUSD, wantCost)
	}
	mustJSON(t, e.ctl("DELETE", "/_sim/billing", nil), &rep)
	if rep.Counts["data"] != 0 || rep.CostUSD != 0 {
		t.Errorf("after DELETE: %+v", rep)
	}
}

func TestControls(t *testing.T) {
	e := startEnv(t, nil)
	var clk struct {
		Now time.Time `json:"now"`
	}
	mustJSON(t, e.ctl("GET", "/_sim/clock", nil), &clk)
	before := clk.Now
	mustJSON(t, e.ctl("POST", "/_sim/clock", map[string]any{"advance": "90m"}), &clk)
	if d := clk.Now.Sub(before); d != 90*time.Minute {
		t.Errorf("advance 90m moved the clock %v", d)
	}
	if st, _ := e.do("POST", "NA", "/_sim/clock", "", map[string]any{"advance": "later"}); st != 400 {
		t.Errorf("bad advance: %d", st)
	}
	if st, _ := e.do("PATCH", "NA", "/_sim/vehicles/NOPE", "", map[string]any{"state": "online"}); st != 404 {
		t.Errorf("unknown vehicle: %d", st)
	}
	var w map[string]any
	mustJSON(t, e.ctl("GET", "/_sim/world", nil), &w)
	if len(w) == 0 {
		t.Error("empty world snapshot")
	}
	var stats map[string]int
	mustJSON(t, e.ctl("GET", "/_sim/vehicles/"+e.m3+"/protocol", nil), &stats)
	if _, ok := stats["handshakes"]; !ok {
		t.Errorf("protocol stats = %v", stats)
	}
	e.ctl("POST", "/_sim/vehicles/"+e.m3+"/reboot", map[string]any{"domain": "vcsec"})
	if st, _ := e.do("POST", "NA", "/_sim/vehicles/"+e.m3+"/reboot", "", map[string]any{"domain": "radio"}); st != 400 {
		t.Errorf("bad reboot domain: %d", st)
	}
}
