package command

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/teslamotors/vehicle-command/pkg/protocol"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Values of command_signing in /api/1/products.
const (
	SigningRequired = "required"
	SigningAllowed  = "allowed"
	SigningOff      = "off"
)

// SetCommandSigning records a vehicle's command_signing (from the caller's
// own /products data), sparing the Commander its own products call.
func (c *Commander) SetCommandSigning(vin, signing string) {
	v := c.car(vin)
	c.mu.Lock()
	defer c.mu.Unlock()
	v.signing = signing
}

// Refresh forgets what the Commander learnt about the vehicle's signing and
// key pairing (e.g. after the user paired the key): the next command asks
// again.
func (c *Commander) Refresh(vin string) {
	v := c.car(vin)
	c.mu.Lock()
	defer c.mu.Unlock()
	v.paired, v.restOnly = nil, false
	v.signing = ""
	c.products = false
}

// route decides whether cmd goes signed (true) or REST (false) for v.
func (c *Commander) route(ctx context.Context, v *car, cmd Command) (bool, error) {
	mode, err := c.signing(ctx, v)
	if err != nil {
		return false, c.classify(cmd.Name(), v.vin, err, false)
	}
	c.mu.Lock()
	restOnly := v.restOnly
	c.mu.Unlock()
	switch {
	case mode == SigningOff || restOnly:
		return false, nil
	case mode == SigningRequired:
		if c.cfg.Key == nil {
			return false, c.classify(cmd.Name(), v.vin, errNoKey, false)
		}
		if cmd.spec.signed == nil {
			return false, &Error{Op: cmd.Name(), VIN: v.vin, Class: fleet.ErrNotSupported,
				Err: fmt.Errorf("the vehicle needs signed commands and the SDK has no signed %s", cmd.spec.rest)}
		}
		return true, nil
	default: // "allowed", or unknown: signed when our key is paired
		if c.cfg.Key == nil || cmd.spec.signed == nil {
			return false, nil
		}
		return c.keyPaired(ctx, v), nil
	}
}

// signing returns the vehicle's command_signing, reading /products once.
func (c *Commander) signing(ctx context.Context, v *car) (string, error) {
	c.mu.Lock()
	mode, loaded := v.signing, c.products
	c.mu.Unlock()
	if mode != "" || loaded {
		return mode, nil
	}
	p, err := c.fleet.Products(ctx)
	if err != nil {
		return "", fmt.Errorf("reading command_signing from products: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, pv := range productVehicles(p) {
		if pv.signing == "" {
			continue
		}
		w, ok := c.vehicles[pv.vin]
		if !ok {
			w = &car{vin: pv.vin, lock: make(chan struct{}, 1)}
			c.vehicles[pv.vin] = w
		}
		if w.signing == "" {
			w.signing = pv.signing
		}
	}
	c.products = true
	return v.signing, nil
}

// keyPaired asks fleet_status once per VIN whether our key is paired. A
// failed call counts as "not paired" (REST) and is asked again next time.
func (c *Commander) keyPaired(ctx context.Context, v *car) bool {
	c.mu.Lock()
	paired := v.paired
	c.mu.Unlock()
	if paired != nil {
		return *paired
	}
	st, err := c.fleet.FleetStatus(ctx, []string{v.vin})
	if err != nil {
		c.log.Warn("command: fleet_status failed, using REST", "vin", v.vin, "err", err)
		return false
	}
	ok := slices.Contains(pairedVINs(st), v.vin)
	c.mu.Lock()
	defer c.mu.Unlock()
	v.paired = &ok
	return ok
}

// fallBackToREST decides, after a signed attempt that sent no command,
// whether REST may carry it instead: a car that answers 422 predates the
// protocol, and an "allowed" car that does not know our key still takes
// REST. It records what it learnt.
func (c *Commander) fallBackToREST(v *car, err error) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case errors.Is(err, protocol.ErrProtocolNotSupported):
		v.restOnly = true
		return true
	case errors.Is(err, protocol.ErrKeyNotPaired) && v.signing != SigningRequired:
		no := false
		v.paired = &no
		return true
	}
	return false
}
