package entity

import (
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
)

// buttonDesc is one row of §4.8.
type buttonDesc struct {
	meta
	press func(c *call) (*plan, error)
}

// vehicleButtonTable is §4.8; buttons exist only with vehicle_cmds.
var vehicleButtonTable = []buttonDesc{
	{meta: meta{key: "wake", name: "Wake", icon: "mdi:sleep-off"},
		press: func(*call) (*plan, error) { return &plan{wake: true}, nil }},
	{meta: meta{key: "flash_lights", name: "Flash lights", icon: "mdi:flashlight"},
		press: func(*call) (*plan, error) { return sendVehicle(nil, command.FlashLights()) }},
	{meta: meta{key: "honk", name: "Honk horn", icon: "mdi:bullhorn"},
		press: func(*call) (*plan, error) { return sendVehicle(nil, command.Honk()) }},
	{meta: meta{key: "enable_keyless_driving", name: "Keyless driving", icon: "mdi:car-key"},
		press: func(*call) (*plan, error) { return sendVehicle(nil, command.RemoteStart()) }},
	{meta: meta{key: "boombox", name: "Play fart", icon: "mdi:volume-high"},
		press: func(*call) (*plan, error) { return sendVehicle(nil, command.Boombox(0)) }},
	{meta: meta{key: "homelink", name: "Homelink", icon: "mdi:garage"}, press: pressHomelink},
}

// pressHomelink triggers HomeLink at the car's location; without one (no
// location scope, or the car never reported it) it is refused before
// anything is sent.
func pressHomelink(c *call) (*plan, error) {
	lat, okLat := c.v.number("drive_state_latitude")
	lon, okLon := c.v.number("drive_state_longitude")
	if !okLat || !okLon {
		return nil, invalid("homelink_no_location")
	}
	return sendVehicle(nil, command.TriggerHomelink(lat.float(), lon.float()))
}

// button's state is the time of its last successful press.
type button struct {
	d       *buttonDesc
	pressed time.Time
}

func (b *button) render(*view) out {
	if b.pressed.IsZero() {
		return out{}
	}
	return out{state: isoformat(b.pressed)}
}

func (b *button) service(name string) planner {
	if name != "press" {
		return nil
	}
	return func(c *call) (*plan, error) {
		p, err := b.d.press(c)
		if err != nil {
			return nil, err
		}
		p.after = func(now time.Time) { b.pressed = now }
		return p, nil
	}
}

func vehicleButtons(s *setup) []*Entity {
	if !s.scoped(ScopeVehicleCmds) {
		return nil
	}
	out := make([]*Entity, 0, len(vehicleButtonTable))
	for i := range vehicleButtonTable {
		d := &vehicleButtonTable[i]
		out = append(out, s.newEntity(s.vehicle, Button, &d.meta, &button{d: d}))
	}
	return out
}
