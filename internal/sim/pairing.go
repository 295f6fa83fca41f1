package sim

import (
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// GET /_ak/{domain}?vin=VIN[&account=ID_OR_EMAIL]
//
// Models the owner opening Tesla's pairing link in the Tesla app next to the
// car: the domain's hosted public key is fetched (through Options.Resolver)
// and added to the vehicle's keychain. Without vin, the key is added to every
// vehicle of the account (the first account of the world unless account is
// given). No Tesla authentication.
func (h *regionHandler) pair(w http.ResponseWriter, r *http.Request) {
	domain := strings.ToLower(r.PathValue("domain"))
	vins, err := h.pairTargets(r)
	if err != nil {
		writeControlError(w, http.StatusNotFound, err)
		return
	}
	key, err := h.c.fetchPublicKey(r.Context(), domain)
	if err != nil {
		writeControlError(w, http.StatusFailedDependency,
			fmt.Errorf("public key download failed for %s: %v", publicKeyURL(domain), err))
		return
	}
	for _, vin := range vins {
		car, err := h.c.car(vin)
		if err == nil {
			err = car.AddKey(key)
		}
		if err != nil {
			writeControlError(w, http.StatusInternalServerError, fmt.Errorf("pair %s: %v", vin, err))
			return
		}
	}
	h.c.log.Info("sim: key paired", "domain", domain, "vins", vins)
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>Key added</title><p>The virtual key of <b>%s</b> was added to %s.</p>\n",
			html.EscapeString(domain), html.EscapeString(strings.Join(vins, ", ")))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"domain": domain, "public_key": hex.EncodeToString(key), "paired": vins})
}

func (h *regionHandler) pairTargets(r *http.Request) ([]string, error) {
	q := r.URL.Query()
	if vin := q.Get("vin"); vin != "" {
		if _, err := h.c.car(vin); err != nil {
			return nil, fmt.Errorf("unknown vin %s", vin)
		}
		return []string{vin}, nil
	}
	var acct world.Account
	if a := q.Get("account"); a != "" {
		var ok bool
		if acct, ok = h.c.world.Account(a); !ok {
			return nil, fmt.Errorf("unknown account %s", a)
		}
	} else {
		all := h.c.world.Accounts()
		if len(all) == 0 {
			return nil, fmt.Errorf("the world has no accounts")
		}
		acct = all[0]
	}
	var vins []string
	for _, v := range h.c.world.Vehicles(acct.ID) {
		if vin, ok := v["vin"].(string); ok && vin != "" {
			vins = append(vins, vin)
		}
	}
	if len(vins) == 0 {
		return nil, fmt.Errorf("account %s has no vehicles", acct.Email)
	}
	return vins, nil
}

// POST /api/1/vehicles/fleet_status {"vins":[…]}
//
// A VIN counts as key-paired when its car holds the public key the calling
// app registered in this region. An app without a registered key (the demo
// app until it registers one) sees a VIN as paired when its car holds any
// key. VINs not visible to the caller are listed as unpaired without info.
func (h *regionHandler) fleetStatus(c *call) error {
	var body struct {
		VINs []string `json:"vins"`
	}
	if err := c.decode(&body); err != nil {
		return err
	}
	if len(body.VINs) == 0 {
		return newError(http.StatusBadRequest, "invalid_field", "vins is required")
	}
	reg, _ := h.c.partners.lookup(h.region, c.p.ClientID)
	paired, unpaired := []string{}, []string{}
	info := map[string]any{}
	for _, vin := range body.VINs {
		car, err := h.c.car(vin)
		if err == nil && !c.p.Partner {
			_, err = h.c.world.VIN(c.account, vin)
		}
		if err != nil {
			unpaired = append(unpaired, vin)
			continue
		}
		keys := car.Keys()
		ok := len(keys) > 0
		if reg.PublicKey != nil {
			ok = car.HasKey(reg.PublicKey)
		}
		if ok {
			paired = append(paired, vin)
		} else {
			unpaired = append(unpaired, vin)
		}
		info[vin] = map[string]any{
			"firmware_version":                       h.c.world.Firmware(vin),
			"vehicle_command_protocol_required":      h.c.world.CommandSigning(vin) == "required",
			"discounted_device_data":                 false,
			"fleet_telemetry_version":                "1.0.0",
			"total_number_of_keys":                   len(keys),
			"safety_screen_streaming_toggle_enabled": nil,
		}
	}
	respond(c.w, map[string]any{"key_paired_vins": paired, "unpaired_vins": unpaired, "vehicle_info": info})
	return nil
}
