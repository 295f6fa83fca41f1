package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is an injected answer: the next Count requests matching Method and
// Path wait Latency and then, if Status is set, get Status, Body and
// Retry-After instead of the real answer (with Status 0 the real answer
// follows the delay).
type Fault struct {
	Method     string `json:"method"`      // "" = any
	Path       string `json:"path"`        // exact, or a prefix when it ends with "*"
	Status     int    `json:"status"`      // 0 = only latency
	Body       string `json:"body"`        // sent as JSON when it parses as JSON, else as text
	RetryAfter int    `json:"retry_after"` // seconds; 0 = no header
	Latency    string `json:"latency"`     // Go duration ("2s")
	Count      int    `json:"count"`       // 0 = 1; negative = until cleared

	latency time.Duration
}

// faultInjector holds the pending faults, first added first matched.
type faultInjector struct {
	mu     sync.Mutex
	faults []*Fault
}

// add validates and queues a fault.
func (fi *faultInjector) add(f Fault) error {
	if f.Path == "" {
		return fmt.Errorf("fault: path is required")
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 999) {
		return fmt.Errorf("fault: bad status %d", f.Status)
	}
	if f.Latency != "" {
		d, err := time.ParseDuration(f.Latency)
		if err != nil || d < 0 {
			return fmt.Errorf("fault: bad latency %q", f.Latency)
		}
		f.latency = d
	}
	if f.Status == 0 && f.latency == 0 {
		return fmt.Errorf("fault: needs a status or a latency")
	}
	if f.Count == 0 {
		f.Count = 1
	}
	f.Method = strings.ToUpper(f.Method)
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.faults = append(fi.faults, &f)
	return nil
}

func (fi *faultInjector) clear() {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.faults = nil
}

func (fi *faultInjector) list() []Fault {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	out := make([]Fault, 0, len(fi.faults))
	for _, f := range fi.faults {
		out = append(out, *f)
	}
	return out
}

// match consumes one use of the first fault matching the request.
func (fi *faultInjector) match(method, path string) (Fault, bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	for i, f := range fi.faults {
		if f.Method != "" && f.Method != method {
			continue
		}
		if p, ok := strings.CutSuffix(f.Path, "*"); ok {
			if !strings.HasPrefix(path, p) {
				continue
			}
		} else if f.Path != path {
			continue
		}
		got := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				fi.faults = append(fi.faults[:i], fi.faults[i+1:]...)
			}
		}
		return got, true
	}
	return Fault{}, false
}

// injectFault applies a matching fault; it reports whether the answer was
// written (the caller then stops).
func (h *regionHandler) injectFault(w http.ResponseWriter, r *http.Request) bool {
	f, ok := h.c.faults.match(r.Method, r.URL.Path)
	if !ok {
		return false
	}
	h.c.log.Debug("sim: fault", "method", r.Method, "path", r.URL.Path, "status", f.Status, "latency", f.latency)
	if err := sleepCtx(r.Context(), f.latency); err != nil {
		return true // the client went away
	}
	if f.Status == 0 {
		return false
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	if f.Body != "" {
		if json.Valid([]byte(f.Body)) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	if f.Status < 500 {
		h.billFault(r)
	}
	return true
}

// billFault meters a faulted answer like a real one when the caller is
// identified and the path is a modelled Fleet API route.
func (h *regionHandler) billFault(r *http.Request) {
	_, pat := h.mux.Handler(r)
	rt, ok := h.routes[pat]
	if !ok {
		return
	}
	p, err := h.c.auth.Authenticate(r)
	if err != nil {
		return
	}
	var vin string
	var site int64
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // api 1 vehicles {tag} …
	if len(parts) >= 5 && parts[2] == "vehicles" && parts[3] != "fleet_status" {
		if v, err := h.c.world.VIN(p.Subject, parts[3]); err == nil {
			vin = v
		}
	}
	if len(parts) >= 5 && parts[2] == "energy_sites" {
		if id, err := strconv.ParseInt(parts[3], 10, 64); err == nil && h.c.world.HasSite(p.Subject, id) {
			site = id
		}
	}
	h.c.billing.add(rt.category, vin, site)
}

// AddFault queues a fault, exactly as POST /_sim/faults does (same
// validation, same matching): an error describes an invalid fault.
func (c *Cloud) AddFault(f Fault) error { return c.faults.add(f) }

// ClearFaults drops every pending fault, as DELETE /_sim/faults does.
func (c *Cloud) ClearFaults() { c.faults.clear() }

// Faults lists the pending faults, as GET /_sim/faults does.
func (c *Cloud) Faults() []Fault { return c.faults.list() }
