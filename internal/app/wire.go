package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/poll"
)

// setUp creates every product's coordinators and entities: vehicles from
// /products (the vehicle coordinator's first refresh follows at once),
// energy sites after their first live_status and site_info, which decide
// their entities, as the integration's setup does.
func (a *account) setUp(ctx context.Context) error {
	reg := a.a.reg
	var scoped = map[string]bool{}
	for _, s := range a.cfg.Scopes {
		scoped[s] = true
	}
	if scoped[entity.ScopeVehicleData] {
		for _, v := range a.cfg.Products.Vehicles() {
			if _, err := reg.AddVehicle(a.cfg.ID, v); err != nil {
				return err
			}
			if last := a.a.cfg.LastData; last != nil {
				if d := last(*v.VIN); d != nil {
					reg.UpdateVehicle(*v.VIN, "", d, nil)
				}
			}
			c := a.sched.AddVehicle(poll.VehicleSpec{VIN: *v.VIN, Location: scoped[entity.ScopeVehicleLocation]})
			a.track(entity.Source{Kind: entity.SourceVehicle, VIN: *v.VIN}, c)
			a.apply(c.Refresh(ctx))
		}
	}
	if !scoped[entity.ScopeEnergyData] {
		return nil
	}
	for _, s := range a.cfg.Products.EnergySites() {
		if !s.HasComponents() || s.EnergySiteID == nil {
			continue
		}
		id := *s.EnergySiteID
		live, info, history := a.sched.AddSite(id)
		ls, is := live.Refresh(ctx), info.Refresh(ctx)
		if ls.Err != nil || is.Err != nil {
			return fmt.Errorf("energy site %d: first refresh: %w", id, errors.Join(ls.Err, is.Err))
		}
		a.track(entity.Source{Kind: entity.SourceLive, SiteID: id}, live)
		a.track(entity.Source{Kind: entity.SourceInfo, SiteID: id}, info)
		a.track(entity.Source{Kind: entity.SourceHistory, SiteID: id}, history)
		if _, err := reg.AddSite(a.cfg.ID, s, is.Info, ls.Live); err != nil {
			return err
		}
		a.apply(ls)
		a.apply(is)
	}
	return nil
}

// track remembers a source's coordinator and applies the custom interval.
func (a *account) track(src entity.Source, c *poll.Coordinator) {
	a.coord[src] = c
	if d := a.a.cfg.Interval; d > 0 {
		c.SetInterval(d)
	}
}

// apply hands one snapshot to the registry. A rate-limited refresh
// changes nothing; a refused refresh token asks for a new login.
func (a *account) apply(s poll.Snapshot) {
	reg := a.a.reg
	if m := a.a.cfg.metrics; m != nil {
		m.pollError(s.Err)
	}
	if s.RateLimited {
		return
	}
	a.loginRequired(errors.Is(s.Err, fleet.ErrLoginRequired))
	switch s.Kind {
	case poll.KindVehicle:
		reg.UpdateVehicle(s.VIN, s.State, s.Data, s.Err)
	case poll.KindEnergyLive:
		reg.UpdateLive(s.SiteID, s.Live, s.Err)
	case poll.KindEnergyInfo:
		reg.UpdateInfo(s.SiteID, s.Info, s.Err)
	case poll.KindEnergyHistory:
		var h *entity.History
		if s.History != nil {
			h = &entity.History{Fields: s.History.Fields, PeriodStart: s.History.PeriodStart}
		}
		reg.UpdateHistory(s.SiteID, h, s.Err)
	}
	if f := a.a.cfg.OnSnapshot; f != nil {
		f(a.cfg.ID, s)
	}
}

// loginRequired marks the account as needing a new login (its entities go
// unavailable), and says so in the log once per change, not per refresh.
func (a *account) loginRequired(needed bool) {
	a.mu.Lock()
	changed := a.relogin != needed
	a.relogin = needed
	a.mu.Unlock()
	if !changed {
		return
	}
	a.a.reg.SetLoginRequired(a.cfg.ID, needed)
	if needed {
		a.a.cfg.Logger.Error("Tesla refused the account's refresh token: its entities are unavailable until it signs in again",
			"account", a.cfg.ID, "fix", "teslafleet login --account "+a.cfg.ID)
	} else {
		a.a.cfg.Logger.Info("the account is signed in again", "account", a.cfg.ID)
	}
}

// ReloginNeeded lists the accounts whose refresh token Tesla refused.
func (a *App) ReloginNeeded() []string {
	var out []string
	for _, acct := range a.accountList() {
		acct.mu.Lock()
		if acct.relogin {
			out = append(out, acct.cfg.ID)
		}
		acct.mu.Unlock()
	}
	return out
}

// poller is the registry's way to the coordinators.
type poller struct{ a *account }

func (p poller) Request(src entity.Source) {
	if c, ok := p.a.coord[src]; ok {
		c.Request()
	}
}

func (p poller) Listen(src entity.Source, on bool) {
	if c, ok := p.a.coord[src]; ok && src.Kind == entity.SourceHistory {
		c.SetListening(on)
	}
}
