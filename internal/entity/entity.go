package entity

import (
	"strconv"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
)

// Entity is one entity of the registry. Its exported fields are fixed when
// it is created; its state changes under the registry's lock.
//
// A registry holds tens of thousands of entities, so an entity keeps only
// what is its own: what its description row says (key, name, classes,
// unit, icon) is read from the row it points to, its unique id is made
// from its source's VIN or site id when asked for.
type Entity struct {
	EntityID string
	Device   *Device

	m        *meta // the description row (shared)
	impl     impl
	src      *source
	platform uint8 // index in Platforms
	enabled  bool
	named    bool // friendly is the user's name

	friendly any            // the friendly name, boxed once for the attributes (nil: not yet)
	over     map[string]any // optimistic values, until the next refresh
	state    *State         // nil while disabled
}

// platformIndex is p's index in Platforms.
func platformIndex(p Platform) uint8 {
	for i, q := range Platforms {
		if q == p {
			return uint8(i)
		}
	}
	panic("entity: unknown platform " + string(p))
}

// Platform is the entity's domain.
func (e *Entity) Platform() Platform { return Platforms[e.platform] }

// uidPrefix is what the unique id starts with: the VIN of a vehicle's
// entities, the site id of an energy site's (its Wall Connectors' too).
func (e *Entity) uidPrefix() string {
	if e.src.Kind == SourceVehicle {
		return e.src.VIN
	}
	return strconv.FormatInt(e.src.SiteID, 10)
}

// UniqueID is the entity's unique id ("<VIN>-<key>", "<site id>-<key>").
func (e *Entity) UniqueID() string { return e.uidPrefix() + "-" + e.m.uidKey() }

// uniqueKey is the unique id, without building the string:
// the prefix and suffix when the id has exactly one "-" (so the split is
// the only one), else the whole id. Two entities have the same uniqueKey
// exactly when they have the same unique id.
type uniqueKey struct{ prefix, suffix string }

func (e *Entity) uniqueKey() uniqueKey {
	prefix, suffix := e.uidPrefix(), e.m.uidKey()
	if strings.IndexByte(prefix, '-') < 0 && strings.IndexByte(suffix, '-') < 0 {
		return uniqueKey{prefix, suffix}
	}
	return uniqueKey{suffix: prefix + "-" + suffix}
}

// unit is the unit the state is shown in ("" for none).
func (e *Entity) unit(u UnitSystem) string { return u.displayUnit(e.m.unit, e.m.suggested) }

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

func (e *Entity) info(u UnitSystem) Info {
	return Info{
		EntityID: e.EntityID, UniqueID: e.UniqueID(), Platform: e.Platform(), Key: e.m.key,
		OriginalName: e.m.name, Name: e.userName(), DeviceID: e.Device.ID,
		EnabledByDefault: !e.m.off, Enabled: e.enabled, Category: e.m.category,
		DeviceClass: e.m.class, StateClass: e.m.stateClass, Unit: e.unit(u), Icon: e.m.icon,
		Services: e.services(),
	}
}

// friendlyName is the user's name, else "<device> <entity>", boxed for
// the attributes (once, while the name stays).
func (e *Entity) friendlyName() any {
	if e.friendly == nil {
		e.friendly = e.Device.Name + " " + e.m.name
	}
	return e.friendly
}

// userName is the user's name ("" when none). It is kept as the friendly
// name, not beside it: an entity is one allocation size class smaller.
func (e *Entity) userName() string {
	if e.named {
		return e.friendly.(string)
	}
	return ""
}

// setName sets the user's name.
func (e *Entity) setName(name string) {
	if name == e.userName() {
		return
	}
	e.named, e.friendly = name != "", nil
	if e.named {
		e.friendly = name
	}
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
