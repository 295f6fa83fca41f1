package sim

import (
	"math"
	"strconv"
	"sync"
)

// prices in USD per request (Tesla's price table).
var prices = map[string]float64{catData: 0.002, catCommands: 0.001, catWakes: 0.02}

// BillingReport is what GET /_sim/billing returns.
type BillingReport struct {
	Counts    map[string]int            `json:"counts"`     // data, commands, wakes, free
	ByVehicle map[string]map[string]int `json:"by_vehicle"` // VIN -> category -> n
	BySite    map[string]map[string]int `json:"by_site"`    // energy_site_id -> category -> n
	CostUSD   float64                   `json:"cost_usd"`
}

// billing counts metered requests.
type billing struct {
	mu        sync.Mutex
	counts    map[string]int
	byVehicle map[string]map[string]int
	bySite    map[string]map[string]int
}

func newBilling() *billing {
	b := &billing{}
	b.reset()
	return b
}

func (b *billing) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.counts = map[string]int{catData: 0, catCommands: 0, catWakes: 0, catFree: 0}
	b.byVehicle = map[string]map[string]int{}
	b.bySite = map[string]map[string]int{}
}

func (b *billing) add(category, vin string, site int64) {
	if category == "" {
		category = catFree
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.counts[category]++
	if vin != "" {
		inc(b.byVehicle, vin, category)
	}
	if site != 0 {
		inc(b.bySite, strconv.FormatInt(site, 10), category)
	}
}

func inc(m map[string]map[string]int, key, category string) {
	if m[key] == nil {
		m[key] = map[string]int{}
	}
	m[key][category]++
}

func (b *billing) report() BillingReport {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := BillingReport{Counts: map[string]int{}, ByVehicle: map[string]map[string]int{}, BySite: map[string]map[string]int{}}
	cost := 0.0
	for k, v := range b.counts {
		r.Counts[k] = v
		cost += float64(v) * prices[k]
	}
	for k, m := range b.byVehicle {
		r.ByVehicle[k] = copyCounts(m)
	}
	for k, m := range b.bySite {
		r.BySite[k] = copyCounts(m)
	}
	r.CostUSD = math.Round(cost*1e6) / 1e6
	return r
}

func copyCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Billing reports the metered requests so far.
func (c *Cloud) Billing() BillingReport { return c.billing.report() }
