package poll

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// liveRefresher is TeslaFleetEnergySiteLiveCoordinator (§3.4), which is
// also the Wall Connector coordinator.
type liveRefresher struct{ site int64 }

func (r *liveRefresher) refresh(ctx context.Context, f Fetcher, _ func() time.Time) *outcome {
	o := &outcome{snap: Snapshot{Kind: KindEnergyLive, SiteID: r.site}}
	live, err := f.LiveStatus(ctx, r.site)
	switch {
	case errors.Is(err, fleet.ErrDecode) && ctx.Err() == nil:
		// An answer that is not an object: keep the previous data (§3.4).
	case err != nil:
		energyFail(o, err)
	default:
		o.snap.Live = live
	}
	return o
}

// infoRefresher is TeslaFleetEnergySiteInfoCoordinator (§3.5).
type infoRefresher struct{ site int64 }

func (r *infoRefresher) refresh(ctx context.Context, f Fetcher, _ func() time.Time) *outcome {
	o := &outcome{snap: Snapshot{Kind: KindEnergyInfo, SiteID: r.site}}
	info, err := f.SiteInfo(ctx, r.site)
	switch {
	case err != nil:
		energyFail(o, err)
	case info == nil:
		o.snap.Err = fmt.Errorf("site_info %d: %w: empty", r.site, ErrInvalidData)
	default:
		o.snap.Info = info
	}
	return o
}

// historyRefresher is TeslaFleetEnergySiteHistoryCoordinator (§3.6).
type historyRefresher struct{ site int64 }

// historyQuery is today so far in the site's local day: no dates, no time
// zone (§3.6).
var historyQuery = fleet.HistoryQuery{Kind: "energy", Period: "day"}

func (r *historyRefresher) refresh(ctx context.Context, f Fetcher, _ func() time.Time) *outcome {
	o := &outcome{snap: Snapshot{Kind: KindEnergyHistory, SiteID: r.site}}
	h, err := f.CalendarHistory(ctx, r.site, historyQuery)
	if err != nil {
		energyFail(o, err)
		return o
	}
	totals, err := SumHistory(h)
	if err != nil {
		o.snap.Err = fmt.Errorf("calendar_history %d: %w", r.site, err)
		return o
	}
	o.snap.History = totals
	return o
}

// energyFail applies the shared error mapping (§3.2) for energy sites: a
// 429 skips the refresh and its Retry-After holds the next one back.
func energyFail(o *outcome, err error) {
	if errors.Is(err, fleet.ErrRateLimited) {
		o.snap.RateLimited = true
		o.retryAfter = fleet.RetryAfter(err)
		return
	}
	o.snap.Err = err
}

// historyValues returns a sample's values in fleet.EnergyHistoryFields order (nil when
// the sample has no such field).
func historyValues(p *fleet.EnergyInterval) [21]*float64 {
	return [21]*float64{
		p.SolarEnergyExported,
		p.GeneratorEnergyExported,
		p.GridEnergyImported,
		p.GridServicesEnergyImported,
		p.GridServicesEnergyExported,
		p.GridEnergyExportedFromSolar,
		p.GridEnergyExportedFromGenerator,
		p.GridEnergyExportedFromBattery,
		p.BatteryEnergyExported,
		p.BatteryEnergyImportedFromGrid,
		p.BatteryEnergyImportedFromSolar,
		p.BatteryEnergyImportedFromGenerator,
		p.ConsumerEnergyImportedFromGrid,
		p.ConsumerEnergyImportedFromSolar,
		p.ConsumerEnergyImportedFromBattery,
		p.ConsumerEnergyImportedFromGen,
		p.TotalHomeUsage,
		p.TotalBatteryCharge,
		p.TotalBatteryDischarge,
		p.TotalSolarGeneration,
		p.TotalGridEnergyExported,
	}
}

// SumHistory sums each of fleet.EnergyHistoryFields over the time series (absent
// fields add nothing; every field starts at 0, ≥77e354cd). The first
// sample's timestamp is the period start. An answer without a non-empty
// time series whose first sample has a parseable timestamp is
// ErrInvalidData.
func SumHistory(h *fleet.CalendarHistory) (*HistoryTotals, error) {
	if h == nil || len(h.TimeSeries) == 0 || h.TimeSeries[0] == nil || h.TimeSeries[0].Timestamp == nil {
		return nil, fmt.Errorf("%w: no time_series", ErrInvalidData)
	}
	start, err := parseTimestamp(*h.TimeSeries[0].Timestamp)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidData, err)
	}
	var sums [21]float64
	for _, p := range h.TimeSeries {
		if p == nil {
			continue
		}
		for i, v := range historyValues(p) {
			if v != nil {
				sums[i] += *v
			}
		}
	}
	fields := make(map[string]float64, len(fleet.EnergyHistoryFields))
	for i, name := range fleet.EnergyHistoryFields {
		fields[name] = sums[i]
	}
	return &HistoryTotals{Fields: fields, PeriodStart: start}, nil
}

// parseTimestamp reads an ISO 8601 date-time, with or without an offset
// (Home Assistant's parse_datetime).
func parseTimestamp(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q is not a date-time", s)
}
