package ui

import (
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/web/chart"
)

// historyRanges are the periods the history page offers.
var historyRanges = []struct {
	Key  string
	Name string
	Span time.Duration
}{
	{"1h", "Last hour", time.Hour},
	{"24h", "Last 24 hours", 24 * time.Hour},
	{"7d", "Last 7 days", 7 * 24 * time.Hour},
}

// historyView is the history page: one section per device, its charts.
type historyView struct {
	Range   string
	Ranges  []rangeLink
	Devices []deviceCharts
}

type rangeLink struct {
	Key, Name string
	Current   bool
}

type deviceCharts struct {
	Device entity.Device
	Charts []template.HTML
}

// chartSpec is one chart: its title, unit, fixed range and lines (each a
// device entity by key).
type chartSpec struct {
	title    string
	unit     string
	min, max *float64
	lines    []lineSpec
}

type lineSpec struct {
	key, name, class string
	fill             bool
}

func ptr(f float64) *float64 { return &f }

// deviceChartSpecs are the charts each kind of device gets.
var deviceChartSpecs = map[entity.DeviceKind][]chartSpec{
	entity.KindVehicle: {
		{title: "Battery level", unit: "%", min: ptr(0), max: ptr(100),
			lines: []lineSpec{{key: "charge_state_battery_level", name: "Battery", class: "battery", fill: true}}},
		{title: "Charging power", unit: "kW", min: ptr(0),
			lines: []lineSpec{{key: "charge_state_charger_power", name: "Charging", class: "home", fill: true}}},
	},
	entity.KindEnergySite: {
		{title: "Power flows", unit: "kW", lines: []lineSpec{
			{key: "solar_power", name: "Solar", class: "solar", fill: true},
			{key: "battery_power", name: "Battery (+ discharging)", class: "battery"},
			{key: "grid_power", name: "Grid (+ importing)", class: "grid"},
			{key: "load_power", name: "Home", class: "home"},
		}},
		{title: "Powerwall level", unit: "%", min: ptr(0), max: ptr(100),
			lines: []lineSpec{{key: "percentage_charged", name: "Battery", class: "battery", fill: true}}},
	},
}

func (u *UI) history(w http.ResponseWriter, r *http.Request, s Session) {
	if u.o.History == nil {
		u.render(w, r, http.StatusNotFound, "message", page{Title: "History", Nav: "history", CSRF: s.CSRF,
			Data: messageView{Text: "This teslafleet keeps no history.", Back: "/"}})
		return
	}
	v := historyView{Range: "24h"}
	span := 24 * time.Hour
	for _, hr := range historyRanges {
		if r.URL.Query().Get("range") == hr.Key {
			v.Range, span = hr.Key, hr.Span
		}
	}
	for _, hr := range historyRanges {
		v.Ranges = append(v.Ranges, rangeLink{Key: hr.Key, Name: hr.Name, Current: hr.Key == v.Range})
	}
	end := u.o.Now()
	start := end.Add(-span)
	sn := u.snapshot()

	// One history read for every chart of the page.
	var ids []string
	for _, d := range sn.devices {
		for _, spec := range deviceChartSpecs[d.Kind] {
			for _, l := range spec.lines {
				if it := sn.get(d.ID, l.key); it.ID != "" {
					ids = append(ids, it.ID)
				}
			}
		}
	}
	var hist map[string][]entity.State
	if len(ids) > 0 {
		var err error
		if hist, err = u.o.History.StateHistory(r.Context(), ids, start, end); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	for i, d := range sn.devices {
		dc := deviceCharts{Device: d}
		for j, spec := range deviceChartSpecs[d.Kind] {
			c := chart.Chart{Title: d.Name + " " + spec.title, Unit: spec.unit, Start: start, End: end,
				Min: spec.min, Max: spec.max, Location: u.o.Location, ID: "c" + strconv.Itoa(i) + "-" + strconv.Itoa(j)}
			for _, l := range spec.lines {
				it := sn.get(d.ID, l.key)
				if it.ID == "" {
					continue
				}
				c.Series = append(c.Series, chart.Series{Name: l.name, Class: l.class, Step: true, Fill: l.fill,
					Points: points(hist[it.ID])})
			}
			if len(c.Series) == 0 {
				continue
			}
			svg, err := chart.SVG(c)
			if err != nil {
				u.fail(w, r, err)
				return
			}
			dc.Charts = append(dc.Charts, svg)
		}
		if len(dc.Charts) > 0 {
			v.Devices = append(v.Devices, dc)
		}
	}
	u.render(w, r, http.StatusOK, "history", page{Title: "History", Nav: "history", CSRF: s.CSRF, Data: v})
}

// points are a state history as a chart's steps: a state that is not a
// number (unavailable, unknown) breaks the line.
func points(states []entity.State) []chart.Point {
	out := make([]chart.Point, 0, len(states))
	for _, s := range states {
		f, err := strconv.ParseFloat(s.State, 64)
		if err != nil {
			f = math.NaN()
		}
		out = append(out, chart.Point{T: s.LastChanged.Time, V: f})
	}
	return out
}
