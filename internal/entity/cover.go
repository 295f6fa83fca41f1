package entity

import "github.com/teslafleet/teslafleet/internal/command"

// Cover features (Home Assistant's CoverEntityFeature).
const (
	coverOpen  = 1
	coverClose = 2
	coverStop  = 8
)

// coverDesc is one row of §4.10.
type coverDesc struct {
	meta
	features int                 // when scoped
	scopes   []string            // any grants the features
	closed   func(v *view) *bool // nil: unknown
	position func(v *view) any   // current_position, or nil
	open     func(c *call) (*plan, error)
	close    func(c *call) (*plan, error)
	stop     func(c *call) (*plan, error)
}

func ptr(b bool) *bool { return &b }

var windowKeys = []string{"vehicle_state_fd_window", "vehicle_state_fp_window", "vehicle_state_rd_window", "vehicle_state_rp_window"}

func windowsClosed(v *view) *bool {
	all0 := true
	for _, k := range windowKeys {
		n, ok := v.number(k)
		if ok && n.float() == 1 {
			return ptr(false)
		}
		if !ok || n.float() != 0 {
			all0 = false
		}
	}
	if all0 {
		return ptr(true)
	}
	return nil
}

func windowsPatch(val int64) map[string]any {
	p := map[string]any{}
	for _, k := range windowKeys {
		p[k] = jsonInt(val)
	}
	return p
}

// equalsZero is "value == 0" (None is neither open nor closed: false).
func equalsZero(key string) func(v *view) *bool {
	return func(v *view) *bool { return ptr(isZero(v.get(key))) }
}

var vehicleCoverTable = []coverDesc{
	{meta: meta{key: "windows", name: "Windows", class: "window"}, features: coverOpen | coverClose, scopes: []string{ScopeVehicleCmds},
		closed: windowsClosed,
		open:   func(*call) (*plan, error) { return sendVehicle(windowsPatch(1), command.VentWindows(nil)) },
		close:  func(*call) (*plan, error) { return sendVehicle(windowsPatch(0), command.CloseWindows(nil)) }},
	{meta: meta{key: "charge_state_charge_port_door_open", name: "Charge port door", class: "door", icon: "mdi:ev-plug-ccs2"},
		features: coverOpen | coverClose, scopes: []string{ScopeVehicleCmds, ScopeChargingCmds},
		closed: func(v *view) *bool {
			// Fixed: a null value is unknown, not closed (the integration's
			// "not value" reads None as closed; docs/quirks.md).
			val := v.get("charge_state_charge_port_door_open")
			if val == nil {
				return nil
			}
			return ptr(!truthy(val))
		},
		open: func(*call) (*plan, error) {
			return sendVehicle(map[string]any{"charge_state_charge_port_door_open": true}, command.OpenChargePort())
		},
		close: func(*call) (*plan, error) {
			return sendVehicle(map[string]any{"charge_state_charge_port_door_open": false}, command.CloseChargePort())
		}},
	{meta: meta{key: "vehicle_state_ft", name: "Frunk", class: "door"}, features: coverOpen, scopes: []string{ScopeVehicleCmds},
		closed: equalsZero("vehicle_state_ft"),
		open: func(*call) (*plan, error) {
			return sendVehicle(map[string]any{"vehicle_state_ft": jsonInt(1)}, command.OpenFrunk())
		}},
	{meta: meta{key: "vehicle_state_rt", name: "Trunk", class: "door"}, features: coverOpen | coverClose, scopes: []string{ScopeVehicleCmds},
		closed: equalsZero("vehicle_state_rt"),
		open: func(c *call) (*plan, error) {
			if !isZero(c.v.get("vehicle_state_rt")) {
				return noop() // already open: the command is a toggle
			}
			return sendVehicle(map[string]any{"vehicle_state_rt": jsonInt(1)}, command.ActuateTrunk())
		},
		close: func(c *call) (*plan, error) {
			if isZero(c.v.get("vehicle_state_rt")) {
				return noop() // already closed
			}
			return sendVehicle(map[string]any{"vehicle_state_rt": jsonInt(0)}, command.ActuateTrunk())
		}},
	{meta: meta{key: "vehicle_state_sun_roof_state", name: "Sunroof", class: "window", off: true},
		features: coverOpen | coverClose | coverStop, scopes: []string{ScopeVehicleCmds},
		closed: func(v *view) *bool {
			val := v.get("vehicle_state_sun_roof_state")
			if val == nil || val == "unknown" {
				return nil
			}
			return ptr(val == "closed")
		},
		position: func(v *view) any { return v.get("vehicle_state_sun_roof_percent_open") },
		open: func(*call) (*plan, error) {
			return sendVehicle(map[string]any{"vehicle_state_sun_roof_state": "vent"}, command.SunroofVent())
		},
		close: func(*call) (*plan, error) {
			return sendVehicle(map[string]any{"vehicle_state_sun_roof_state": "closed"}, command.SunroofClose())
		},
		stop: func(*call) (*plan, error) {
			return sendVehicle(map[string]any{"vehicle_state_sun_roof_state": "vent"}, command.SunroofStop())
		}},
}

type cover struct {
	d      *coverDesc
	scoped bool
}

func (c *cover) features() int {
	if !c.scoped {
		return 0
	}
	return c.d.features
}

func (c *cover) render(v *view) out {
	o := out{features: features(c.features())}
	if c.d.position != nil {
		if p := c.d.position(v); p != nil {
			o.attrs = Attrs{{"current_position", p}}
		}
	}
	if closed := c.d.closed(v); closed != nil {
		o.state = "open"
		if *closed {
			o.state = "closed"
		}
	}
	return o
}

func (c *cover) service(name string) planner {
	var do func(*call) (*plan, error)
	var need int
	switch name {
	case "open_cover":
		do, need = c.d.open, coverOpen
	case "close_cover":
		do, need = c.d.close, coverClose
	case "stop_cover":
		do, need = c.d.stop, coverStop
	}
	if do == nil {
		return nil
	}
	return func(k *call) (*plan, error) {
		if c.features()&need == 0 {
			return nil, invalid("not_supported", k.e.EntityID, "cover", name)
		}
		return do(k)
	}
}

func vehicleCovers(s *setup) []*Entity {
	out := make([]*Entity, 0, len(vehicleCoverTable))
	for i := range vehicleCoverTable {
		d := &vehicleCoverTable[i]
		out = append(out, s.newEntity(s.vehicle, Cover, &d.meta, &cover{d: d, scoped: s.scoped(d.scopes...)}))
	}
	return out
}
