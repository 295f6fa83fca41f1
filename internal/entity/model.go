package entity

import (
	"context"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
)

// Platform is an entity's domain.
type Platform string

// The platforms, in the order Home Assistant sets them up.
const (
	BinarySensor  Platform = "binary_sensor"
	Button        Platform = "button"
	Climate       Platform = "climate"
	Cover         Platform = "cover"
	DeviceTracker Platform = "device_tracker"
	Lock          Platform = "lock"
	MediaPlayer   Platform = "media_player"
	Number        Platform = "number"
	Select        Platform = "select"
	Sensor        Platform = "sensor"
	Switch        Platform = "switch"
	Update        Platform = "update"
)

// Platforms lists every platform in setup order.
var Platforms = []Platform{BinarySensor, Button, Climate, Cover, DeviceTracker, Lock, MediaPlayer, Number, Select, Sensor, Switch, Update}

// Category is an entity category ("" for primary entities).
type Category string

const (
	Primary    Category = ""
	Diagnostic Category = "diagnostic"
	Config     Category = "config"
)

// SourceKind names the coordinator an entity reads.
type SourceKind string

const (
	SourceVehicle SourceKind = "vehicle"
	SourceLive    SourceKind = "energy_live"
	SourceInfo    SourceKind = "energy_info"
	SourceHistory SourceKind = "energy_history"
)

// Source identifies one coordinator: a vehicle's, or one of a site's three.
type Source struct {
	Kind   SourceKind
	VIN    string
	SiteID int64
}

// Sender sends commands; *command.Commander satisfies it. Vehicle commands
// wake the car first (one wake serves a burst), energy commands do not.
type Sender interface {
	Send(ctx context.Context, vin string, cmds ...command.Command) error
	WakeUp(ctx context.Context, vin string) error
	SendSite(ctx context.Context, siteID int64, cmd command.Command) error
}

// Poller is what the registry asks of the coordinators; the app satisfies
// it. Request forces a refresh (homeassistant.update_entity); Listen says
// whether an enabled entity reads the source (energy history is polled
// only then).
type Poller interface {
	Request(src Source)
	Listen(src Source, on bool)
}

// Account is one Tesla account: its granted scopes and how its commands
// and refreshes are carried out.
type Account struct {
	ID     string   // the token's subject
	Scopes []string // granted OAuth scopes
	Sender Sender
	Poller Poller
}

// Home is the home zone device trackers are placed in.
type Home struct {
	Latitude, Longitude float64
	Radius              float64 // metres; default 100
}

// History is an energy site's history totals for the current day: every
// field of the history coordinator (Wh) and the first sample's timestamp.
type History struct {
	Fields      map[string]float64
	PeriodStart time.Time
}

// account is an Account as the registry keeps it.
type account struct {
	Account
	scopes        map[string]bool
	reloginNeeded bool
}

func (a *account) has(scope string) bool { return a.scopes[scope] }

// source is one coordinator's data and health.
type source struct {
	Source
	acct        *account
	device      *Device // the vehicle or the site
	data        Data
	ok          bool // the last refresh succeeded
	updatedOnce bool // a vehicle_data (or first fetch) succeeded since start
	entities    []*Entity
	listeners   int // enabled entities (history listening)
}

// available is the coordinator side of availability.
func (s *source) available() bool { return s.ok && !s.acct.reloginNeeded }
