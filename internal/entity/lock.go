package entity

import "github.com/teslafleet/teslafleet/internal/command"

// §4.12: the door lock and the charge cable lock, both scoped vehicle_cmds.

type doorLock struct{ scoped bool }

func (l *doorLock) render(v *view) out {
	b, ok := v.get("vehicle_state_locked").(bool)
	if !ok {
		return out{features: features(0)}
	}
	return out{state: lockState(b), features: features(0)}
}

func (l *doorLock) service(name string) planner {
	switch name {
	case "lock", "unlock":
	default:
		return nil
	}
	return func(c *call) (*plan, error) {
		if !l.scoped {
			return nil, missingScope(ScopeVehicleCmds)
		}
		if name == "lock" {
			return sendVehicle(map[string]any{"vehicle_state_locked": true}, command.Lock())
		}
		return sendVehicle(map[string]any{"vehicle_state_locked": false}, command.Unlock())
	}
}

// cableLock: locking is automatic when a cable is connected, so lock is
// always refused; unlock releases the latch.
type cableLock struct{ scoped bool }

func (l *cableLock) render(v *view) out {
	val := v.get("charge_state_charge_port_latch")
	if val == nil {
		return out{features: features(0)}
	}
	return out{state: lockState(val == "Engaged"), features: features(0)}
}

func (l *cableLock) service(name string) planner {
	switch name {
	case "lock":
		return func(*call) (*plan, error) { return nil, invalid("no_cable") }
	case "unlock":
		return func(*call) (*plan, error) {
			if !l.scoped {
				return nil, missingScope(ScopeVehicleCmds)
			}
			return sendVehicle(map[string]any{"charge_state_charge_port_latch": "Disengaged"}, command.UnlatchChargePort())
		}
	}
	return nil
}

func lockState(locked bool) string {
	if locked {
		return "locked"
	}
	return "unlocked"
}

func vehicleLocks(s *setup) []*Entity {
	scoped := s.scoped(ScopeVehicleCmds)
	return []*Entity{
		s.newEntity(s.vehicle, Lock, &doorLockMeta, &doorLock{scoped: scoped}),
		s.newEntity(s.vehicle, Lock, &cableLockMeta, &cableLock{scoped: scoped}),
	}
}

var (
	doorLockMeta  = meta{key: "vehicle_state_locked", name: "Lock", icon: "mdi:car-door-lock"}
	cableLockMeta = meta{key: "charge_state_charge_port_latch", name: "Charge cable lock", icon: "mdi:ev-plug-tesla"}
)
