package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// item is one entity as a page shows it: its state and, when it has one,
// its control.
type item struct {
	ID        string // entity_id
	Name      string // without the device's name
	Platform  string
	Key       string
	State     string // the raw state
	Display   string // as shown
	Unit      string
	Available bool
	Seen      time.Time // when the state was last reported
	Enabled   bool
	Category  string
	Control   control
}

// control is what a page needs to draw an entity's control; Kind says
// which (none for plain sensors).
type control struct {
	Kind     string // switch, button, number, select, climate, cover, lock, media, update
	On       bool
	Min, Max float64
	Step     float64
	Options  []string
	// climate
	Modes, Presets []string
	Preset         string
	Target         string
	// cover, lock, media: the service buttons the entity has
	Domain   string
	Buttons  []serviceButton
	Services map[string]bool
	Volume   float64
}

// serviceButton is one button of a control that calls a service by name.
type serviceButton struct {
	Service, Label, Name string // Name is the accessible name
}

// serviceButtons are, per platform, the services a control offers as
// buttons, in order; an entity shows those it has. Name takes the
// entity's name.
var serviceButtons = map[string][]struct{ service, label, name string }{
	"cover": {{"open_cover", "Open", "Open %s"}, {"close_cover", "Close", "Close %s"}, {"stop_cover", "Stop", "Stop %s"}},
	"lock":  {{"lock", "Lock", "Lock %s"}, {"unlock", "Unlock", "Unlock %s"}},
	"media_player": {{"media_previous_track", "Previous", "Previous track on %s"},
		{"media_play_pause", "Play/pause", "Play or pause %s"}, {"media_next_track", "Next", "Next track on %s"}},
}

// buttonsFor are the service buttons of an entity of platform p named name.
func buttonsFor(p, name string, has map[string]bool) []serviceButton {
	var out []serviceButton
	for _, b := range serviceButtons[p] {
		if has[b.service] {
			out = append(out, serviceButton{Service: b.service, Label: b.label, Name: fmt.Sprintf(b.name, name)})
		}
	}
	return out
}

// snapshot is the registry read once for a page: devices in order and
// each device's entities.
type snapshot struct {
	devices []entity.Device
	items   map[string][]item // device id → entities in the registry's order
	byKey   map[string]item   // device id + "/" + key → entity (enabled ones)
	names   map[string]string // vehicles' names by VIN
}

func (u *UI) snapshot() snapshot {
	reg := u.o.Registry
	states := map[string]entity.State{}
	for _, s := range reg.States() {
		states[s.EntityID] = s
	}
	sn := snapshot{devices: reg.Devices(), items: map[string][]item{}, byKey: map[string]item{}}
	sn.names = vehicleNames(sn.devices)
	for _, in := range reg.Entities() {
		it := u.item(in, states[in.EntityID], sn.names)
		sn.items[in.DeviceID] = append(sn.items[in.DeviceID], it)
		if in.Enabled {
			sn.byKey[in.DeviceID+"/"+in.Key] = it
		}
	}
	return sn
}

// get is a device's entity by key (enabled ones; the zero item, not
// available, when there is none).
func (sn snapshot) get(deviceID, key string) item {
	return sn.byKey[deviceID+"/"+key]
}

func (u *UI) item(in entity.Info, s entity.State, names map[string]string) item {
	p := string(in.Platform)
	it := item{
		ID: in.EntityID, Name: in.OriginalName, Platform: p, Key: in.Key,
		State: s.State, Unit: attrString(s.Attributes, "unit_of_measurement"),
		Enabled: in.Enabled, Category: string(in.Category),
	}
	if in.Name != "" {
		it.Name = in.Name
	}
	if it.Name == "" {
		it.Name = strings.ReplaceAll(strings.SplitN(in.EntityID, ".", 2)[1], "_", " ")
	}
	if !in.Enabled {
		it.Display = "Disabled"
		return it
	}
	it.Seen = s.LastReported.Time
	it.Available = s.State != "unavailable" && s.State != ""
	it.Display = display(p, s, u.o.Location, names)
	it.Control = controlFor(p, in, s, it.Name)
	return it
}

func controlFor(p string, in entity.Info, s entity.State, name string) control {
	has := map[string]bool{}
	for _, sv := range in.Services {
		has[sv] = true
	}
	a := s.Attributes
	switch p {
	case "switch":
		return control{Kind: "switch", On: s.State == "on"}
	case "button":
		return control{Kind: "button"}
	case "number":
		c := control{Kind: "number", Step: 1}
		c.Min, _ = attrFloat(a, "min")
		c.Max, _ = attrFloat(a, "max")
		if st, ok := attrFloat(a, "step"); ok && st > 0 {
			c.Step = st
		}
		return c
	case "select":
		return control{Kind: "select", Options: attrStrings(a, "options")}
	case "climate":
		c := control{Kind: "climate", On: s.State != "off", Modes: attrStrings(a, "hvac_modes"),
			Presets: attrStrings(a, "preset_modes"), Preset: attrString(a, "preset_mode"), Step: 0.5}
		c.Min, _ = attrFloat(a, "min_temp")
		c.Max, _ = attrFloat(a, "max_temp")
		if t, ok := attrFloat(a, "temperature"); ok {
			c.Target = strconv.FormatFloat(t, 'f', -1, 64)
		}
		return c
	case "cover", "lock":
		return control{Kind: "buttons", Domain: p, Buttons: buttonsFor(p, name, has)}
	case "update":
		return control{Kind: p, Services: has}
	case "media_player":
		v, _ := attrFloat(a, "volume_level")
		return control{Kind: "media", Domain: p, Buttons: buttonsFor(p, name, has), Services: has, Volume: roundTo(v*100, 0)}
	}
	return control{}
}

// since is how long ago t was, in words ("3 min ago").
func since(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case t.IsZero():
		return "never"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h ago"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days ago"
}
