package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/store"
	"github.com/teslafleet/teslafleet/internal/web"
)

// historyReader gives the web API the store's state history.
type historyReader struct{ st *store.Store }

var _ web.History = historyReader{}

func (h historyReader) StateHistory(ctx context.Context, ids []string, start, end time.Time) (map[string][]entity.State, error) {
	// What is queued for the history is part of it.
	_ = h.st.Flush(ctx)
	rows, err := h.st.History(ctx, ids, start, end)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]entity.State, len(rows))
	for id, cs := range rows {
		states := make([]entity.State, 0, len(cs))
		for _, c := range cs {
			st := entity.State{
				EntityID: c.EntityID, State: c.State,
				LastChanged: entity.Time{Time: c.LastChanged}, LastUpdated: entity.Time{Time: c.LastUpdated}, LastReported: entity.Time{Time: c.LastUpdated},
				Context: entity.Context{ID: c.ContextID},
			}
			if len(c.Attributes) > 0 {
				if err := json.Unmarshal(c.Attributes, &st.Attributes); err != nil {
					st.Attributes = nil
				}
			}
			states = append(states, st)
		}
		out[id] = states
	}
	return out, nil
}

// costReader gives the web API the cost ledger's current month.
type costReader struct {
	ledger *fleet.Ledger
	now    func() time.Time
}

var _ web.Cost = costReader{}

func (c costReader) MonthCost(context.Context) (web.CostReport, error) {
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	t := now().UTC()
	month := t.Format("2006-01")
	p := c.ledger.Prices()
	rep := web.CostReport{Month: month, Accounts: []web.AccountCost{}, MonthlyCreditUSD: p.MonthlyCredit,
		PricesUSD: map[string]float64{"data": p.Data, "commands": p.Command, "wakes": p.Wake, "signals": p.Signal}}
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	rep.DaysInMonth = start.AddDate(0, 1, -1).Day()
	rep.DaysElapsed = round6(t.Sub(start).Hours() / 24)
	pace := float64(rep.DaysInMonth) / max(rep.DaysElapsed, 1)
	var cost, credit, due, projected, projectedDue float64
	for _, s := range c.ledger.Months() {
		if s.Month != month {
			continue
		}
		ac := web.AccountCost{
			Account: s.Account, Usage: usageMap(s.Usage), ByDevice: map[string]map[string]int{},
			CostUSD: s.Cost, CreditUSD: s.Credit, DueUSD: s.Due, Unbilled: s.Unbilled,
			CategoryUSD: categoryCost(s.Usage, p), DeviceUSD: map[string]float64{},
		}
		for dev, u := range s.ByDevice {
			if dev == "" {
				dev = "account"
			}
			ac.ByDevice[dev] = usageMap(u)
			ac.DeviceUSD[dev] = u.Cost(p)
		}
		cost, credit, due = cost+s.Cost, credit+s.Credit, due+s.Due
		proj := s.Cost * pace
		projected += proj
		projectedDue += max(proj-p.MonthlyCredit, 0)
		rep.Accounts = append(rep.Accounts, ac)
	}
	sort.Slice(rep.Accounts, func(i, j int) bool { return rep.Accounts[i].Account < rep.Accounts[j].Account })
	rep.CostUSD, rep.CreditUSD, rep.DueUSD = round6(cost), round6(credit), round6(due)
	rep.ProjectedUSD, rep.ProjectedDueUSD = round6(projected), round6(projectedDue)
	return rep, nil
}

// categoryCost prices each billed category of a usage.
func categoryCost(u fleet.Usage, p fleet.Prices) map[string]float64 {
	return map[string]float64{
		"data": fleet.Usage{Data: u.Data}.Cost(p), "commands": fleet.Usage{Commands: u.Commands}.Cost(p),
		"wakes": fleet.Usage{Wakes: u.Wakes}.Cost(p), "signals": fleet.Usage{Signals: u.Signals}.Cost(p),
	}
}

func usageMap(u fleet.Usage) map[string]int {
	return map[string]int{"data": u.Data, "commands": u.Commands, "wakes": u.Wakes, "signals": u.Signals, "free": u.Free}
}

func round6(f float64) float64 { return float64(int64(f*1e6+0.5)) / 1e6 }

// apiTokenStore checks bearer tokens against the store's long-lived API
// tokens, and notes when each was last used (at most once a minute).
type apiTokenStore struct {
	st  *store.Store
	log *slog.Logger

	mu      sync.Mutex
	touched map[int64]time.Time
}

var _ web.TokenValidator = (*apiTokenStore)(nil)

func newAPITokenStore(st *store.Store, log *slog.Logger) *apiTokenStore {
	return &apiTokenStore{st: st, log: log, touched: map[int64]time.Time{}}
}

func (s *apiTokenStore) Valid(ctx context.Context, token string) bool {
	t, err := s.st.APITokenByHash(ctx, store.HashAPIToken(token))
	if err != nil {
		return false
	}
	now := time.Now()
	s.mu.Lock()
	stale := now.Sub(s.touched[t.ID]) >= time.Minute
	if stale {
		s.touched[t.ID] = now
	}
	s.mu.Unlock()
	if stale {
		if err := s.st.TouchAPIToken(ctx, t.ID, now); err != nil {
			s.log.Warn("store: note an API token's use", "id", t.ID, "err", err)
		}
	}
	return true
}

// Version is teslafleet's version, as the build records it.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
