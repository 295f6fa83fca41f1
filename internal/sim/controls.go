package sim

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// registerControls mounts the /_sim/ controls (tokens and apps are the
// OAuth server's).
func (h *regionHandler) registerControls() {
	m := h.mux
	m.HandleFunc("GET /_sim/world", h.ctlWorld)
	m.HandleFunc("PATCH /_sim/accounts/{id}", h.ctlAccount)
	m.HandleFunc("PATCH /_sim/vehicles/{vin}", h.ctlVehicle)
	m.HandleFunc("GET /_sim/clock", h.ctlClock)
	m.HandleFunc("POST /_sim/clock", h.ctlClock)
	m.HandleFunc("GET /_sim/faults", h.ctlFaults)
	m.HandleFunc("POST /_sim/faults", h.ctlFaults)
	m.HandleFunc("DELETE /_sim/faults", h.ctlFaults)
	m.HandleFunc("GET /_sim/billing", h.ctlBilling)
	m.HandleFunc("DELETE /_sim/billing", h.ctlBilling)
	m.HandleFunc("DELETE /_sim/ratelimits", h.ctlRateLimits)
	m.HandleFunc("GET /_sim/partners", h.ctlPartners)
	m.HandleFunc("GET /_sim/vehicles/{vin}/keys", h.ctlKeys)
	m.HandleFunc("POST /_sim/vehicles/{vin}/keys", h.ctlKeys)
	m.HandleFunc("DELETE /_sim/vehicles/{vin}/keys", h.ctlKeys)
	m.HandleFunc("POST /_sim/vehicles/{vin}/reboot", h.ctlReboot)
	m.HandleFunc("GET /_sim/vehicles/{vin}/protocol", h.ctlProtocol)
}

// writeControlError answers a control (or pairing) request with {"error":…}.
func writeControlError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// readControl decodes a control body (an empty body leaves v alone).
func readControl(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return err
	}
	if len(b) > maxBody {
		return fmt.Errorf("body exceeds %d bytes", maxBody)
	}
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, v)
}

func controlStatus(err error) int {
	switch {
	case errors.Is(err, world.ErrNotFound):
		return http.StatusNotFound
	default:
		return http.StatusBadRequest
	}
}

func (h *regionHandler) ctlWorld(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.c.world.Snapshot())
}

func (h *regionHandler) ctlAccount(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Region string `json:"region"`
	}
	if err := readControl(r, &body); err != nil {
		writeControlError(w, http.StatusBadRequest, err)
		return
	}
	id := r.PathValue("id")
	if body.Region != "" {
		if err := h.c.world.SetAccountRegion(id, body.Region); err != nil {
			writeControlError(w, controlStatus(err), err)
			return
		}
	}
	a, ok := h.c.world.Account(id)
	if !ok {
		writeControlError(w, http.StatusNotFound, fmt.Errorf("unknown account %s", id))
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (h *regionHandler) ctlVehicle(w http.ResponseWriter, r *http.Request) {
	var p world.VehiclePatch
	if err := readControl(r, &p); err != nil {
		writeControlError(w, http.StatusBadRequest, err)
		return
	}
	vin := r.PathValue("vin")
	if err := h.c.world.SetVehicle(vin, p); err != nil {
		writeControlError(w, controlStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"vin": vin, "online": h.c.world.Online(vin)})
}

// POST /_sim/clock {"advance":"90m","speed":60}
func (h *regionHandler) ctlClock(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var body struct {
			Advance string   `json:"advance"`
			Speed   *float64 `json:"speed"`
		}
		if err := readControl(r, &body); err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		var d time.Duration
		if body.Advance != "" {
			var err error
			if d, err = time.ParseDuration(body.Advance); err != nil || d < 0 {
				writeControlError(w, http.StatusBadRequest, fmt.Errorf("bad advance %q", body.Advance))
				return
			}
		}
		if body.Speed != nil {
			if *body.Speed < 0 {
				writeControlError(w, http.StatusBadRequest, fmt.Errorf("bad speed %v", *body.Speed))
				return
			}
			h.c.world.SetSpeed(*body.Speed)
		}
		if d > 0 {
			h.c.world.Advance(d)
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"now": h.c.world.Now().UTC().Format(time.RFC3339Nano)})
}

func (h *regionHandler) ctlFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		var f Fault
		if err := readControl(r, &f); err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		if err := h.c.AddFault(f); err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
	case http.MethodDelete:
		h.c.ClearFaults()
	}
	writeJSON(w, http.StatusOK, map[string]any{"faults": h.c.Faults()})
}

func (h *regionHandler) ctlBilling(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		h.c.billing.reset()
	}
	writeJSON(w, http.StatusOK, h.c.billing.report())
}

func (h *regionHandler) ctlRateLimits(w http.ResponseWriter, _ *http.Request) {
	h.c.limiter.reset()
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (h *regionHandler) ctlPartners(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.c.partners.snapshot())
}

// /_sim/vehicles/{vin}/keys: GET lists, POST {"public_key":"<PEM or hex>"}
// pairs, DELETE {"public_key":…} unpairs.
func (h *regionHandler) ctlKeys(w http.ResponseWriter, r *http.Request) {
	car, err := h.c.car(r.PathValue("vin"))
	if err != nil {
		writeControlError(w, http.StatusNotFound, fmt.Errorf("unknown vin %s", r.PathValue("vin")))
		return
	}
	if r.Method != http.MethodGet {
		var body struct {
			PublicKey string `json:"public_key"`
		}
		if err := readControl(r, &body); err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		key, err := parsePublicKeyPEM([]byte(body.PublicKey))
		if err != nil {
			if raw, herr := hex.DecodeString(body.PublicKey); herr == nil && len(raw) == 65 {
				key, err = raw, nil
			}
		}
		if err != nil {
			writeControlError(w, http.StatusBadRequest, fmt.Errorf("public_key: %v", err))
			return
		}
		if r.Method == http.MethodPost {
			if err := car.AddKey(key); err != nil {
				writeControlError(w, http.StatusBadRequest, err)
				return
			}
		} else {
			car.RemoveKey(key)
		}
	}
	keys := []string{}
	for _, k := range car.Keys() {
		keys = append(keys, hex.EncodeToString(k))
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

func (h *regionHandler) ctlReboot(w http.ResponseWriter, r *http.Request) {
	car, err := h.c.car(r.PathValue("vin"))
	if err != nil {
		writeControlError(w, http.StatusNotFound, fmt.Errorf("unknown vin %s", r.PathValue("vin")))
		return
	}
	var body struct {
		Domain string `json:"domain"`
	}
	if err := readControl(r, &body); err != nil {
		writeControlError(w, http.StatusBadRequest, err)
		return
	}
	switch body.Domain {
	case "", "vcsec", "infotainment":
	default:
		writeControlError(w, http.StatusBadRequest, fmt.Errorf("domain must be vcsec, infotainment or empty"))
		return
	}
	car.Reboot(body.Domain)
	writeJSON(w, http.StatusOK, car.Stats())
}

func (h *regionHandler) ctlProtocol(w http.ResponseWriter, r *http.Request) {
	car, err := h.c.car(r.PathValue("vin"))
	if err != nil {
		writeControlError(w, http.StatusNotFound, fmt.Errorf("unknown vin %s", r.PathValue("vin")))
		return
	}
	writeJSON(w, http.StatusOK, car.Stats())
}
