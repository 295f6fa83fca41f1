package world

import (
	"math"
	"sort"
	"time"
)

// Energy history fields, in Tesla's order (Wh).
var historyFields = []string{
	"solar_energy_exported", "generator_energy_exported", "grid_energy_imported",
	"grid_services_energy_imported", "grid_services_energy_exported",
	"grid_energy_exported_from_solar", "grid_energy_exported_from_generator",
	"grid_energy_exported_from_battery", "battery_energy_exported",
	"battery_energy_imported_from_grid", "battery_energy_imported_from_solar",
	"battery_energy_imported_from_generator", "consumer_energy_imported_from_grid",
	"consumer_energy_imported_from_solar", "consumer_energy_imported_from_battery",
	"consumer_energy_imported_from_generator", "total_home_usage", "total_battery_charge",
	"total_battery_discharge", "total_solar_generation", "total_grid_energy_exported",
}

const (
	hSolarExported = iota
	hGeneratorExported
	hGridImported
	hGridServicesImported
	hGridServicesExported
	hGridFromSolar
	hGridFromGenerator
	hGridFromBattery
	hBatteryExported
	hBatteryFromGrid
	hBatteryFromSolar
	hBatteryFromGenerator
	hHomeFromGrid
	hHomeFromSolar
	hHomeFromBattery
	hHomeFromGenerator
	hHomeTotal
	hBatteryCharge
	hBatteryDischarge
	hSolarTotal
	hGridExported
	nHistoryFields
)

// energy is one interval's energy per history field (Wh).
type energy [nHistoryFields]float64

// flowsOf splits one step's powers (W) over dt hours into Tesla's energy
// categories: solar serves the home first, then the battery, then the grid;
// a discharging battery serves the home first, then the grid.
func flowsOf(solar, load, battery, dt float64) energy {
	var e energy
	sh := math.Min(solar, load)
	deficit, surplus := load-sh, solar-sh
	var sb, sg, gb, gh, bh, bg float64
	if battery < 0 {
		c := -battery
		sb = math.Min(surplus, c)
		gb = c - sb
		sg = surplus - sb
		gh = deficit
	} else {
		bh = math.Min(battery, deficit)
		bg = battery - bh
		gh = deficit - bh
		sg = surplus
	}
	e[hSolarExported] = solar * dt
	e[hSolarTotal] = solar * dt
	e[hGridImported] = (gh + gb) * dt
	e[hGridFromSolar] = sg * dt
	e[hGridFromBattery] = bg * dt
	e[hGridExported] = (sg + bg) * dt
	e[hBatteryExported] = (bh + bg) * dt
	e[hBatteryDischarge] = (bh + bg) * dt
	e[hBatteryFromGrid] = gb * dt
	e[hBatteryFromSolar] = sb * dt
	e[hBatteryCharge] = (gb + sb) * dt
	e[hHomeFromGrid] = gh * dt
	e[hHomeFromSolar] = sh * dt
	e[hHomeFromBattery] = bh * dt
	e[hHomeTotal] = load * dt
	return e
}

func (e *energy) addAll(o *energy) {
	for i := range e {
		e[i] += o[i]
	}
}

// bucket is the energy of one interval starting at start.
type bucket struct {
	start time.Time
	e     energy
}

// history keeps 5-minute buckets for recent days and daily buckets (site
// local days) for older ones.
type history struct {
	fine      []bucket      // ascending, 5-minute aligned
	daily     []bucket      // ascending, local midnight aligned
	retention time.Duration // how long 5-minute buckets are kept; 0 = fineRetention
}

const (
	fineInterval  = 5 * time.Minute
	fineRetention = 35 * 24 * time.Hour
)

// add books one step's energy into the bucket holding t.
func (h *history) add(t time.Time, e energy, tz *time.Location) {
	start := t.Truncate(fineInterval)
	if n := len(h.fine); n > 0 && h.fine[n-1].start.Equal(start) {
		h.fine[n-1].e.addAll(&e)
		return
	}
	h.fine = append(h.fine, bucket{start: start, e: e})
	h.compact(start, tz)
}

// compact folds 5-minute buckets older than the retention into daily ones,
// a day's worth at a time.
func (h *history) compact(now time.Time, tz *time.Location) {
	keep := h.retention
	if keep <= 0 {
		keep = fineRetention
	}
	if len(h.fine) == 0 || now.Sub(h.fine[0].start) <= keep+24*time.Hour {
		return
	}
	cut := 0
	for cut < len(h.fine) && now.Sub(h.fine[cut].start) > keep {
		b := h.fine[cut]
		day := localMidnight(b.start, tz)
		if n := len(h.daily); n > 0 && h.daily[n-1].start.Equal(day) {
			h.daily[n-1].e.addAll(&b.e)
		} else {
			h.daily = append(h.daily, bucket{start: day, e: b.e})
		}
		cut++
	}
	if cut > 0 {
		h.fine = h.fine[:copy(h.fine, h.fine[cut:])]
	}
}

// total sums every bucket (tests and snapshots).
func (h *history) total() energy {
	var t energy
	for i := range h.daily {
		t.addAll(&h.daily[i].e)
	}
	for i := range h.fine {
		t.addAll(&h.fine[i].e)
	}
	return t
}

func localMidnight(t time.Time, tz *time.Location) time.Time {
	l := t.In(tz)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, tz)
}

// series groups the buckets in [from, to) by key (the period start) in order.
func (h *history) series(from, to time.Time, key func(time.Time) time.Time, fineOnly bool) []bucket {
	var out []bucket
	addB := func(b bucket) {
		if b.start.Before(from) || !b.start.Before(to) {
			return
		}
		k := key(b.start)
		if n := len(out); n > 0 && out[n-1].start.Equal(k) {
			out[n-1].e.addAll(&b.e)
			return
		}
		out = append(out, bucket{start: k, e: b.e})
	}
	if !fineOnly {
		for _, b := range h.daily {
			addB(b)
		}
	}
	for _, b := range h.fine {
		addB(b)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start.Before(out[j].start) })
	return out
}
