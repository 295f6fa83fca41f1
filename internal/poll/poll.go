package poll

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Fetcher is the part of the Fleet API client the coordinators use.
// *fleet.Client satisfies it.
type Fetcher interface {
	// Vehicle is the free state check (GET /api/1/vehicles/{vin}).
	Vehicle(ctx context.Context, vin string) (*fleet.Vehicle, error)
	// VehicleData is GET /api/1/vehicles/{vin}/vehicle_data (billed).
	VehicleData(ctx context.Context, vin string, sections ...fleet.Section) (*fleet.VehicleData, error)
	LiveStatus(ctx context.Context, siteID int64) (*fleet.LiveStatus, error)
	SiteInfo(ctx context.Context, siteID int64) (*fleet.SiteInfo, error)
	CalendarHistory(ctx context.Context, siteID int64, q fleet.HistoryQuery) (*fleet.CalendarHistory, error)
}

var _ Fetcher = (*fleet.Client)(nil)

// Kind names a coordinator's data source.
type Kind string

// The coordinator kinds (one vehicle coordinator per vehicle, three per
// energy site).
const (
	KindVehicle       Kind = "vehicle"
	KindEnergyLive    Kind = "energy_live"
	KindEnergyInfo    Kind = "energy_info"
	KindEnergyHistory Kind = "energy_history"
)

// Home Assistant's cadence (reference §3.3–3.6) and the forced-refresh
// cooldown of its request_refresh debouncer (§3.0).
const (
	VehicleInterval       = 600 * time.Second  // VEHICLE_INTERVAL
	VehicleWait           = 900 * time.Second  // VEHICLE_WAIT: the pre-2021 S/X quiet period
	VehicleStuck          = 1200 * time.Second // VEHICLE_STUCK_SECONDS: restart the idle window
	EnergyLiveInterval    = 60 * time.Second   // ENERGY_INTERVAL
	EnergyInfoInterval    = 60 * time.Second   // ENERGY_INTERVAL
	EnergyHistoryInterval = 300 * time.Second  // ENERGY_HISTORY_INTERVAL
	RequestCooldown       = 10 * time.Second   // debouncer cooldown of a forced refresh
)

// Defaults of Config.
const (
	DefaultWorkers = 8
	DefaultTimeout = 60 * time.Second // VEHICLE_FIRST_REFRESH_TIMEOUT, applied to every refresh
)

// ErrInvalidData is the class of a response that cannot be used (Home
// Assistant's "invalid_data": an energy history without a usable
// time_series, or an empty answer).
var ErrInvalidData = errors.New("invalid data")

// ErrRunning is returned by Run when the scheduler already runs.
var ErrRunning = errors.New("poll: scheduler already running")

// Snapshot is the result of one refresh of one coordinator. Fields that do
// not belong to the refresh's Kind are zero. A nil data field means "no new
// data: keep the previous values" (asleep vehicle, rate limited, failed).
type Snapshot struct {
	Kind   Kind
	VIN    string // vehicle
	SiteID int64  // energy kinds
	At     time.Time

	// State is the vehicle's "online" | "asleep" | "offline" from the free
	// check ("asleep" also after a 408 from vehicle_data). Empty when it is
	// unknown (the free check failed): keep the previous state.
	State string
	// Data is the vehicle_data answer; nil unless the vehicle was online and
	// the fetch succeeded. It replaces the previous data as a whole.
	Data *fleet.VehicleData
	// Live is the live_status answer. Wall connectors stay a list: the
	// receiver keys them by DIN (Home Assistant re-keys them in the
	// coordinator, §3.4).
	Live    *fleet.LiveStatus
	Info    *fleet.SiteInfo
	History *HistoryTotals

	// Err is set when the refresh failed: the coordinator's entities become
	// unavailable until a later snapshot without Err. errors.Is works with
	// the fleet error classes (fleet.ErrLoginRequired asks for a new login).
	Err error
	// RateLimited reports a 429: the refresh was skipped, the previous data
	// stand and entities stay available (Home Assistant's rule).
	RateLimited bool
	// Next is when the next automatic refresh is planned (zero when none:
	// polling off, not listening, or removed).
	Next time.Time
}

// HistoryTotals is the energy history of today so far, summed per field
// over calendar_history's time_series (§3.6).
type HistoryTotals struct {
	Fields      map[string]float64 // every name of fleet.EnergyHistoryFields, 0 when never reported
	PeriodStart time.Time          // first sample's timestamp: the sensors' last_reset
}

// Config configures a Scheduler.
type Config struct {
	Fetcher Fetcher
	// Sink receives every snapshot, from worker goroutines: it must be safe
	// for concurrent use, should return quickly, and must not call Refresh
	// (Request is fine). Snapshots of one coordinator arrive in order.
	Sink    func(Snapshot)
	Workers int           // concurrent refreshes; default DefaultWorkers
	Timeout time.Duration // bound of one refresh; default DefaultTimeout
	Logger  *slog.Logger  // default: discard
	// Now is the clock of timestamps and elapsed-time rules; default
	// time.Now. Waiting always uses the runtime's timers, so a replacement
	// must advance with them (in a testing/synctest bubble, leave it nil).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sink == nil {
		c.Sink = func(Snapshot) {}
	}
	return c
}
