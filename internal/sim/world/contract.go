package world

// This file is the contract the simulator's HTTP layer (package sim) and the
// vehicle-side protocol (package vcp) code against. Bodies are filled in by the
// world's implementation files; keep the signatures stable.

import (
	"errors"
	"time"
)

// Errors the world returns; package sim maps each to Tesla's status and body.
var (
	ErrNotFound       = errors.New("world: not found")                 // 404
	ErrUnavailable    = errors.New("world: vehicle offline or asleep") // 408
	ErrInvalidCommand = errors.New("world: invalid command")           // 400 invalid_command
	ErrInvalidParam   = errors.New("world: invalid parameter")         // 400 invalid_field (wrap with detail)
)

// Options configure a world.
type Options struct {
	Seed      int64         // randomness; the same seed and clock steps give the same world
	Speed     float64       // simulated seconds per real second; 0 = the clock moves only by Advance
	Start     time.Time     // the simulated start instant; zero = time.Now()
	WakeDelay time.Duration // asleep → online after wake_up; 0 = a seeded 8–20 s
	IdleSleep time.Duration // idle time before an online vehicle sleeps; 0 = 15 min
}

// Account is a Tesla account holding products.
type Account struct {
	ID     string `json:"id"` // the token subject (uuid-like)
	Email  string `json:"email"`
	Region string `json:"region"` // "NA", "EU" or "CN" (the token's ou_code)
}

// DataQuery selects the vehicle_data sections.
type DataQuery struct {
	Endpoints []string // empty = the classic set (charge, climate, drive, gui, vehicle_config, vehicle_state)
	Location  bool     // location_data requested AND the token has vehicle_location
}

// HistoryQuery is calendar_history's query.
type HistoryQuery struct {
	Kind     string // "energy" | "backup"
	Period   string // "day" | "week" | "month" | "year" | "lifetime"
	Start    time.Time
	End      time.Time
	TimeZone string
}

// CommandResult is a vehicle's answer to a command: {"result": …, "reason": …}.
type CommandResult struct {
	Result bool   `json:"result"`
	Reason string `json:"reason"`
}

// VehiclePatch changes a vehicle from the /_sim/ controls. Nil fields are left alone.
type VehiclePatch struct {
	State        *string  `json:"state,omitempty"` // "online" | "asleep" | "offline"
	PluggedIn    *bool    `json:"plugged_in,omitempty"`
	UserPresent  *bool    `json:"user_present,omitempty"`
	SentryMode   *bool    `json:"sentry_mode,omitempty"`
	Locked       *bool    `json:"locked,omitempty"`
	BatteryLevel *float64 `json:"battery_level,omitempty"`
	Driving      *bool    `json:"driving,omitempty"` // start (true) or end (false) a drive
	Speed        *float64 `json:"speed,omitempty"`   // mph while driving
}

// The World's methods used by package sim (signatures are the contract):
//
//	func New(opts Options) *World                          // empty world, no accounts
//	func NewDemo(opts Options) *World                      // built-in demo fleet on one NA account
//	func LoadFixtures(dir string, opts Options) (*World, error) // seeded from Tesla response files
//	func (w *World) Now() time.Time                        // simulated time
//	func (w *World) Advance(d time.Duration)               // move the clock (and the physics) forward
//	func (w *World) SetSpeed(speed float64)
//	func (w *World) Accounts() []Account
//	func (w *World) Account(idOrEmail string) (Account, bool)
//	func (w *World) AddAccount(email, region string) Account
//	func (w *World) SetAccountRegion(idOrEmail, region string) error
//	func (w *World) Products(accountID string) []map[string]any        // /api/1/products items
//	func (w *World) Vehicles(accountID string) []map[string]any        // /api/1/vehicles items
//	func (w *World) VIN(accountID, tag string) (string, error)         // tag = VIN, id or id_s
//	func (w *World) Vehicle(accountID, tag string) (map[string]any, error)
//	func (w *World) VehicleData(accountID, tag string, q DataQuery) (map[string]any, error)
//	func (w *World) WakeUp(accountID, tag string) (map[string]any, error)
//	func (w *World) Command(vin, name string, params map[string]any) (CommandResult, error)
//	func (w *World) CommandSigning(vin string) string     // "off" | "allowed" | "required"
//	func (w *World) Online(vin string) bool
//	func (w *World) AllVINs() []string
//	func (w *World) SetVehicle(vin string, p VehiclePatch) error
//	func (w *World) HasSite(accountID string, siteID int64) bool
//	func (w *World) SiteInfo(accountID string, siteID int64) (map[string]any, error)
//	func (w *World) LiveStatus(accountID string, siteID int64) (map[string]any, error)
//	func (w *World) CalendarHistory(accountID string, siteID int64, q HistoryQuery) (map[string]any, error)
//	func (w *World) SiteCommand(accountID string, siteID int64, name string, body map[string]any) (map[string]any, error)
//	func (w *World) Snapshot() map[string]any               // everything, for GET /_sim/world
