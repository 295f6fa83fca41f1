package fleet

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Category is Tesla's pricing category of a request.
type Category string

// Pricing categories. Energy endpoints, products, the vehicle list/vehicle,
// users/*, partner endpoints, fleet_status and authentication are free.
const (
	CategoryData      Category = "data"      // vehicle_data
	CategoryCommand   Category = "command"   // command/*, signed_command
	CategoryWake      Category = "wake"      // wake_up
	CategoryStreaming Category = "streaming" // Fleet Telemetry signals (Units = signals)
	CategoryFree      Category = "free"
)

// Prices are USD per unit of each category, and the monthly credit per account.
type Prices struct {
	Data, Command, Wake, Signal float64
	MonthlyCredit               float64
}

// TeslaPrices is Tesla's table: data 500/$1, commands 1000/$1, wakes 50/$1,
// streaming 150,000 signals/$1, $10 monthly discount.
var TeslaPrices = Prices{Data: 0.002, Command: 0.001, Wake: 0.02, Signal: 1.0 / 150000, MonthlyCredit: 10}

// Classify returns the pricing category of a request.
func Classify(method, path string) Category {
	path, _, _ = strings.Cut(path, "?")
	p := strings.Split(strings.Trim(path, "/"), "/")
	// api/1/vehicles/{tag}/…
	if len(p) < 5 || p[0] != "api" || p[2] != "vehicles" {
		return CategoryFree
	}
	switch {
	case p[4] == "vehicle_data" && len(p) == 5:
		return CategoryData
	case p[4] == "wake_up" && len(p) == 5 && method == "POST":
		return CategoryWake
	case (p[4] == "command" && len(p) == 6 || p[4] == "signed_command" && len(p) == 5) && method == "POST":
		return CategoryCommand
	}
	return CategoryFree
}

// Entry is one HTTP answer of the Fleet API.
type Entry struct {
	Time     time.Time // UTC
	Account  string    // token subject
	Device   string    // VIN or energy site id ("" for account-wide endpoints)
	Endpoint string
	Category Category
	Status   int
	Units    int  // 1 per request; signals for CategoryStreaming
	Billed   bool // see Billable
}

// Billable reports whether Tesla bills an answer with this status. Tesla's
// rule is "status codes below 500 are billed"; answers given before the
// caller is identified in its region — 401 (no valid token), 412 (app not
// registered there) and 421 (wrong region) — are taken as unbilled, as the
// simulator meters them. Tesla has not documented those cases.
func Billable(status int) bool {
	switch status {
	case 401, 412, 421:
		return false
	}
	return status > 0 && status < 500
}

// LedgerSink receives ledger entries (a store persists them). Record must not
// block for long: it runs on the request path.
type LedgerSink interface {
	Record(ctx context.Context, e Entry)
}

// Usage counts billed units per category.
type Usage struct {
	Data     int `json:"data"`
	Commands int `json:"commands"`
	Wakes    int `json:"wakes"`
	Signals  int `json:"signals"`
	Free     int `json:"free"`
}

func (u *Usage) add(cat Category, n int) {
	switch cat {
	case CategoryData:
		u.Data += n
	case CategoryCommand:
		u.Commands += n
	case CategoryWake:
		u.Wakes += n
	case CategoryStreaming:
		u.Signals += n
	default:
		u.Free += n
	}
}

func (u *Usage) merge(o Usage) {
	u.Data += o.Data
	u.Commands += o.Commands
	u.Wakes += o.Wakes
	u.Signals += o.Signals
	u.Free += o.Free
}

// Cost prices the usage (USD, rounded to a millionth).
func (u Usage) Cost(p Prices) float64 {
	c := float64(u.Data)*p.Data + float64(u.Commands)*p.Command + float64(u.Wakes)*p.Wake + float64(u.Signals)*p.Signal
	return math.Round(c*1e6) / 1e6
}

// Summary is the usage of one account-month, or the sum of several.
type Summary struct {
	Account  string           `json:"account,omitempty"`
	Month    string           `json:"month,omitempty"` // "2006-01" (UTC)
	Usage    Usage            `json:"usage"`
	ByDevice map[string]Usage `json:"by_device"`
	Cost     float64          `json:"cost_usd"`   // before the credit
	Credit   float64          `json:"credit_usd"` // the monthly credit used (per account-month)
	Due      float64          `json:"due_usd"`    // after the credit
	Unbilled int              `json:"unbilled"`   // answers with status >= 500
}

type ledgerKey struct{ account, month, device string }

// Ledger counts and prices Fleet API usage per account, device and calendar
// month (UTC). It is a LedgerSink and forwards every entry to its sinks.
type Ledger struct {
	prices Prices
	sinks  []LedgerSink

	mu       sync.Mutex
	usage    map[ledgerKey]*Usage
	unbilled map[ledgerKey]int
}

// NewLedger returns an empty ledger priced with TeslaPrices that forwards
// entries to sinks.
func NewLedger(sinks ...LedgerSink) *Ledger {
	return &Ledger{prices: TeslaPrices, sinks: sinks, usage: map[ledgerKey]*Usage{}, unbilled: map[ledgerKey]int{}}
}

// Record counts e and forwards it.
func (l *Ledger) Record(ctx context.Context, e Entry) {
	k := ledgerKey{e.Account, e.Time.UTC().Format("2006-01"), e.Device}
	n := max(e.Units, 1)
	l.mu.Lock()
	if e.Billed {
		u := l.usage[k]
		if u == nil {
			u = &Usage{}
			l.usage[k] = u
		}
		u.add(e.Category, n)
	} else {
		l.unbilled[k]++
	}
	l.mu.Unlock()
	for _, s := range l.sinks {
		s.Record(ctx, e)
	}
}

// Unbilled is the Category under which Restore counts answers that were not
// billed (status 500 and above, and the unbilled 4xx of Billable).
const Unbilled Category = "unbilled"

// Restore adds n units counted in an earlier run (kept by the store) to an
// account's device-month, without forwarding them to the sinks. cat is a
// pricing category, or Unbilled.
func (l *Ledger) Restore(account, month, device string, cat Category, n int) {
	if n <= 0 {
		return
	}
	k := ledgerKey{account, month, device}
	l.mu.Lock()
	defer l.mu.Unlock()
	if cat == Unbilled {
		l.unbilled[k] += n
		return
	}
	u := l.usage[k]
	if u == nil {
		u = &Usage{}
		l.usage[k] = u
	}
	u.add(cat, n)
}

// Month summarises one account's usage in the month containing t.
func (l *Ledger) Month(account string, t time.Time) Summary {
	month := t.UTC().Format("2006-01")
	return l.sum(func(k ledgerKey) bool { return k.account == account && k.month == month }, account, month)
}

// Totals summarises everything recorded: the credit applies per account-month.
func (l *Ledger) Totals() Summary {
	return l.sum(func(ledgerKey) bool { return true }, "", "")
}

// Prices are the prices the ledger charges.
func (l *Ledger) Prices() Prices { return l.prices }

// Months lists the summaries of every account-month, oldest first.
func (l *Ledger) Months() []Summary {
	l.mu.Lock()
	seen := map[[2]string]bool{}
	for k := range l.usage {
		seen[[2]string{k.account, k.month}] = true
	}
	for k := range l.unbilled {
		seen[[2]string{k.account, k.month}] = true
	}
	l.mu.Unlock()
	keys := make([][2]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if a[1] != b[1] {
			return strings.Compare(a[1], b[1])
		}
		return strings.Compare(a[0], b[0])
	})
	out := make([]Summary, 0, len(keys))
	for _, k := range keys {
		out = append(out, l.sum(func(lk ledgerKey) bool { return lk.account == k[0] && lk.month == k[1] }, k[0], k[1]))
	}
	return out
}

func (l *Ledger) sum(match func(ledgerKey) bool, account, month string) Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := Summary{Account: account, Month: month, ByDevice: map[string]Usage{}}
	perMonth := map[[2]string]*Usage{}
	for k, u := range l.usage {
		if !match(k) {
			continue
		}
		s.Usage.merge(*u)
		d := s.ByDevice[k.device]
		d.merge(*u)
		s.ByDevice[k.device] = d
		am := [2]string{k.account, k.month}
		if perMonth[am] == nil {
			perMonth[am] = &Usage{}
		}
		perMonth[am].merge(*u)
	}
	for k, n := range l.unbilled {
		if match(k) {
			s.Unbilled += n
		}
	}
	for _, u := range perMonth {
		cost := u.Cost(l.prices)
		s.Cost += cost
		s.Credit += min(cost, l.prices.MonthlyCredit)
	}
	s.Cost = math.Round(s.Cost*1e6) / 1e6
	s.Credit = math.Round(s.Credit*1e6) / 1e6
	s.Due = math.Round((s.Cost-s.Credit)*1e6) / 1e6
	return s
}
