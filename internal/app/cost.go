package app

import (
	"context"
	"errors"
	"sort"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/poll"
	"github.com/teslafleet/teslafleet/internal/store"
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

// pollingSwitch is the web UI's polling switch of an account: kept in the
// store (serve resumes it) and applied at once; with polling turned off in
// the configuration, an account's switch is kept but polls nothing.
type pollingSwitch struct {
	a       *App
	st      *store.Store
	enabled bool // the configuration's polling.enabled
}

func (p pollingSwitch) SetPolling(ctx context.Context, accountID string, on bool) error {
	if err := p.st.SetPolling(ctx, accountID, on); errors.Is(err, store.ErrNotFound) {
		return &entity.Error{Kind: entity.KindBadRequest, Message: "No account " + accountID + "."}
	} else if err != nil {
		return err
	}
	return p.a.SetPolling(accountID, on && p.enabled)
}
