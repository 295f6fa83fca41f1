package web

import (
	"context"
	"net/http"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// Cost is the cost ledger (the app adapts the Fleet API client's).
type Cost interface {
	// MonthCost is the usage and cost of the current month.
	MonthCost(ctx context.Context) (CostReport, error)
}

// CostReport is GET /api/teslafleet/cost: this month's billed Fleet API
// usage by account, with each account's devices, priced against Tesla's
// monthly credit.
type CostReport struct {
	Month     string        `json:"month"` // "2006-01" (UTC)
	CostUSD   float64       `json:"cost_usd"`
	CreditUSD float64       `json:"credit_usd"`
	DueUSD    float64       `json:"due_usd"`
	Accounts  []AccountCost `json:"accounts"`

	// PricesUSD is Tesla's price per unit of each billed category, and
	// MonthlyCreditUSD its credit per account and month.
	PricesUSD        map[string]float64 `json:"prices_usd"`
	MonthlyCreditUSD float64            `json:"monthly_credit_usd"`
	// The month so far, and the month's cost at this pace: the cost so far
	// times DaysInMonth / DaysElapsed (at least one day elapsed, so the
	// first hours do not project wildly), and what would be due after each
	// account's credit.
	DaysElapsed     float64 `json:"days_elapsed"`
	DaysInMonth     int     `json:"days_in_month"`
	ProjectedUSD    float64 `json:"projected_usd"`
	ProjectedDueUSD float64 `json:"projected_due_usd"`
	// Drivers are the settings that decide the cost: each vehicle's
	// polling interval and whether its account polls at all.
	Drivers []CostDriver `json:"drivers"`
}

// CostDriver is one vehicle's polling, which is what data requests cost.
type CostDriver struct {
	Account         string  `json:"account"`
	Device          string  `json:"device"` // VIN
	Name            string  `json:"name"`
	Polling         bool    `json:"polling"`          // the account polls automatically
	IntervalSeconds float64 `json:"interval_seconds"` // between polls while the car is awake
	// MaxMonthUSD is a month of data requests at this interval with the
	// car awake all the time (asleep, a car costs nothing to watch); 0
	// with polling off.
	MaxMonthUSD float64 `json:"max_month_usd"`
}

// AccountCost is one account's month.
type AccountCost struct {
	Account   string                    `json:"account"`
	Usage     map[string]int            `json:"usage"`     // category → units (data, commands, wakes, signals, free)
	ByDevice  map[string]map[string]int `json:"by_device"` // VIN or site id → category → units
	CostUSD   float64                   `json:"cost_usd"`  // before the credit
	CreditUSD float64                   `json:"credit_usd"`
	DueUSD    float64                   `json:"due_usd"`
	Unbilled  int                       `json:"unbilled"` // answers Tesla does not bill (status ≥ 500)
	// The cost by category (data, commands, wakes, signals) and by device,
	// before the credit.
	CategoryUSD map[string]float64 `json:"cost_by_category_usd"`
	DeviceUSD   map[string]float64 `json:"cost_by_device_usd"`
}

// deviceEntry is one device of GET /api/teslafleet/devices.
type deviceEntry struct {
	entity.Device
	Entities []string `json:"entities"`
}

func (s *server) devices(w http.ResponseWriter, _ *http.Request) {
	devs := s.reg.Devices()
	byDevice := map[string][]string{}
	for _, e := range s.reg.Entities() {
		byDevice[e.DeviceID] = append(byDevice[e.DeviceID], e.EntityID)
	}
	out := make([]deviceEntry, 0, len(devs))
	for _, d := range devs {
		ids := byDevice[d.ID]
		if ids == nil {
			ids = []string{}
		}
		out = append(out, deviceEntry{Device: d, Entities: ids})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) cost(w http.ResponseWriter, r *http.Request) {
	if s.opts.Cost == nil {
		message(w, http.StatusNotFound, "The cost ledger is not kept.")
		return
	}
	rep, err := s.opts.Cost.MonthCost(r.Context())
	if err != nil {
		s.log.Error("web: read the cost ledger", "err", err)
		message(w, http.StatusInternalServerError, "The cost ledger is not available.")
		return
	}
	if rep.Accounts == nil {
		rep.Accounts = []AccountCost{}
	}
	if rep.Drivers == nil {
		rep.Drivers = []CostDriver{}
	}
	writeJSON(w, http.StatusOK, rep)
}
