package world

// This file is the contract package sim codes against: the errors, the
// types and the API interface, which *World implements.

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

// API is what package sim uses of a world (the cloud's HTTP handlers, its
// /_sim/ controls and the protocol cars' executor). *World implements it;
// New builds an empty world, NewDemo the built-in demo fleet on one NA
// account and LoadFixtures one seeded from Tesla response files.
type API interface {
	Now() time.Time          // simulated time
	CarNow() time.Time       // the cars' clock: simulated time at most at real rate
	Advance(d time.Duration) // move the clock (and the physics) forward
	SetSpeed(speed float64)

	Accounts() []Account
	Account(idOrEmail string) (Account, bool)
	SetAccountRegion(idOrEmail, region string) error

	Products(accountID string) []map[string]any // /api/1/products items
	Vehicles(accountID string) []map[string]any // /api/1/vehicles items
	VIN(accountID, tag string) (string, error)  // tag = VIN, id or id_s
	HasVehicle(vin string) bool                 // any account's
	Vehicle(accountID, tag string) (map[string]any, error)
	VehicleData(accountID, tag string, q DataQuery) (map[string]any, error)
	WakeUp(accountID, tag string) (map[string]any, error)
	Command(vin, name string, params map[string]any) (CommandResult, error)
	CommandSigning(vin string) string // "off" | "allowed" | "required"
	Firmware(vin string) string
	Online(vin string) bool
	BodyState(vin string) (BodyState, error) // lock, sleep, presence and closures, for VCSEC
	SetVehicle(vin string, p VehiclePatch) error

	HasSite(accountID string, siteID int64) bool
	SiteInfo(accountID string, siteID int64) (map[string]any, error)
	LiveStatus(accountID string, siteID int64) (map[string]any, error)
	CalendarHistory(accountID string, siteID int64, q HistoryQuery) (map[string]any, error)
	SiteCommand(accountID string, siteID int64, name string, body map[string]any) (map[string]any, error)

	Snapshot() map[string]any // everything, for GET /_sim/world
}

var _ API = (*World)(nil)
