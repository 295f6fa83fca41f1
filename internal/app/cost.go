package app

import (
	"context"
	"sort"

	"github.com/teslafleet/teslafleet/internal/poll"
	"github.com/teslafleet/teslafleet/internal/web"
)

// costWithDrivers adds to the ledger's report what drives the cost: each
// vehicle's polling interval, and whether its account polls.
type costWithDrivers struct {
	web.Cost
	a *App
}

func (c costWithDrivers) MonthCost(ctx context.Context) (web.CostReport, error) {
	rep, err := c.Cost.MonthCost(ctx)
	if err != nil {
		return rep, err
	}
	rep.Drivers = c.a.costDrivers(rep.PricesUSD["data"])
	return rep, nil
}

// costDrivers lists every vehicle's polling, by account and VIN.
func (a *App) costDrivers(dataPrice float64) []web.CostDriver {
	names := map[string]string{}
	for _, d := range a.reg.Devices() {
		names[d.ID] = d.Name
	}
	var out []web.CostDriver
	for _, acct := range a.accountList() {
		polling := acct.sched.Polling()
		for _, c := range acct.coord {
			if c.Kind() != poll.KindVehicle {
				continue
			}
			d := web.CostDriver{Account: acct.cfg.ID, Device: c.VIN(), Name: names[c.VIN()], Polling: polling,
				IntervalSeconds: c.Interval().Seconds()}
			if polling && d.IntervalSeconds > 0 {
				d.MaxMonthUSD = round6(30 * 86400 / d.IntervalSeconds * dataPrice)
			}
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Account != out[j].Account {
			return out[i].Account < out[j].Account
		}
		return out[i].Device < out[j].Device
	})
	return out
}
