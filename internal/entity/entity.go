package entity

import (
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
)

// Entity is one entity of the registry. Its exported fields are fixed when
// it is created; its state changes under the registry's lock.
type Entity struct {
	EntityID         string
	UniqueID         string
	Platform         Platform
	Key              string // the integration's key (the data key it reads, mostly)
	OriginalName     string // the integration's name ("Battery level")
	Device           *Device
	EnabledByDefault bool
	Category         Category
	DeviceClass      string
	StateClass       string
	Unit             string // the unit the state is shown in ("" for none)
	Icon             string // the integration's icon (icons.json), for surfaces

	impl impl
	src  *source
	sub  string // a Wall Connector's DIN within its site's live data

	enabled  bool
	name     string         // the user's name, replacing the friendly name
	fullName string         // "<device> <entity>", computed once
	over     map[string]any // optimistic values, until the next refresh
	state    *State         // nil while disabled
}

// Info is what surfaces see of an entity.
type Info struct {
	EntityID         string   `json:"entity_id"`
	UniqueID         string   `json:"unique_id"`
	Platform         Platform `json:"platform"`
	Key              string   `json:"key"`
	OriginalName     string   `json:"original_name"`
	Name             string   `json:"name,omitempty"`
	DeviceID         string   `json:"device_id"`
	EnabledByDefault bool     `json:"enabled_by_default"`
	Enabled          bool     `json:"enabled"`
	Category         Category `json:"entity_category,omitempty"`
	DeviceClass      string   `json:"device_class,omitempty"`
	StateClass       string   `json:"state_class,omitempty"`
	Unit             string   `json:"unit_of_measurement,omitempty"`
	Icon             string   `json:"icon,omitempty"`
	Services         []string `json:"services,omitempty"`
}

func (e *Entity) info() Info {
	return Info{
		EntityID: e.EntityID, UniqueID: e.UniqueID, Platform: e.Platform, Key: e.Key,
		OriginalName: e.OriginalName, Name: e.name, DeviceID: e.Device.ID,
		EnabledByDefault: e.EnabledByDefault, Enabled: e.enabled, Category: e.Category,
		DeviceClass: e.DeviceClass, StateClass: e.StateClass, Unit: e.Unit, Icon: e.Icon,
		Services: e.services(),
	}
}

// friendlyName is the user's name, else "<device> <entity>".
func (e *Entity) friendlyName() string {
	if e.name != "" {
		return e.name
	}
	if e.fullName == "" {
		e.fullName = e.Device.Name + " " + e.OriginalName
	}
	return e.fullName
}

// impl is an entity's behaviour: how it renders its state and which
// services it answers.
type impl interface {
	render(v *view) out
	// plan returns the handler of service, or nil when the entity has none.
	service(name string) planner
}

// planner turns a service call into a plan, validating the input first.
type planner func(c *call) (*plan, error)

// out is one rendering of an entity.
type out struct {
	state       string // "" is unknown
	unavailable bool
	caps        Attrs // capability attributes, shown even when unavailable
	attrs       Attrs // state attributes, shown when available
	icon        string
	picture     string
	features    *int // supported_features, when the platform has them
}

func features(n int) *int { return &n }

// plan is what a service call does, decided before anything is sent.
type plan struct {
	vehicle []command.Command // one batch to the entity's vehicle (woken first)
	site    *command.Command  // one energy-site command
	wake    bool              // wake the vehicle (the Wake button)
	refresh bool              // homeassistant.update_entity
	patch   map[string]any    // optimistic data values after success
	after   func(now time.Time)
}

// view is an entity's window on its source's data at one instant.
type view struct {
	e     *Entity
	data  Data
	now   time.Time
	units UnitSystem
	home  *Home
}

// get reads a key (an optimistic value first).
func (v *view) get(key string) any {
	if x, ok := v.e.over[key]; ok {
		return x
	}
	return v.data.get(key)
}

// has reports whether the key is present (Home Assistant's "key in data").
func (v *view) has(key string) bool {
	if _, ok := v.e.over[key]; ok {
		return true
	}
	_, ok := v.data.lookup(key)
	return ok
}

// isNone reports whether the key is present with a null value.
func (v *view) isNone(key string) bool {
	return v.has(key) && v.get(key) == nil
}

// number reads a numeric key (get_number): ok is false for anything else.
func (v *view) number(key string) (number, bool) { return asNumber(v.get(key)) }

// numberOrInt is get_number(key, default) with an integer default.
func (v *view) numberOrInt(key string, def int64) number {
	if n, ok := v.number(key); ok {
		return n
	}
	return number{i: def, isInt: true}
}
