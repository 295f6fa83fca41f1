package chart

import (
	"bytes"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// siteDay is an energy site's last 24 hours in 5-minute samples: solar by
// day, the battery charging (negative) from the surplus and discharging in
// the evening, the grid importing at night and exporting (negative) at
// midday, the home's load, and an hour the gateway was unavailable.
func siteDay() Chart {
	start := time.Date(2026, 3, 2, 15, 17, 0, 0, time.UTC)
	end := start.Add(24 * time.Hour)
	c := Chart{Title: "Site power flows, last 24 h", Unit: "kW", Start: start, End: end,
		Location: time.FixedZone("CET", 3600)}
	series := []Series{
		{Name: "Solar", Class: "solar", Fill: true},
		{Name: "Battery", Class: "battery"},
		{Name: "Grid", Class: "grid"},
		{Name: "Home", Class: "home"},
	}
	charge := 6.0 // kWh in the battery
	for t := start.Add(-2 * time.Minute); !t.After(end); t = t.Add(5 * time.Minute) {
		local := t.In(c.Location)
		h := float64(local.Hour()) + float64(local.Minute())/60
		solar := math.Max(0, 6*math.Sin((h-6.5)/11*math.Pi))
		home := 0.4 + 1.6*math.Exp(-(h-19)*(h-19)/2) + 0.8*math.Exp(-(h-7.5)*(h-7.5)/0.5)
		battery := math.Max(-3, math.Min(5, home-solar)) // positive: discharging
		if charge <= 0.5 && battery > 0 || charge >= 13.5 && battery < 0 {
			battery = 0
		}
		charge -= battery / 12
		grid := home - solar - battery
		vs := [4]float64{solar, battery, grid, home}
		if t.After(start.Add(20*time.Hour)) && t.Before(start.Add(21*time.Hour)) {
			vs = [4]float64{nan, nan, nan, nan}
		}
		for i, v := range vs {
			series[i].Points = append(series[i].Points, Point{t, math.Round(v*1000) / 1000})
		}
	}
	c.Series = series
	return c
}

// batteryWeek is a car's battery level over 7 days, as Home Assistant
// states: a step each time it changes, charged every other night.
func batteryWeek() Chart {
	end := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	start := end.Add(-7 * 24 * time.Hour)
	c := Chart{Title: "Model 3 battery level, last 7 days", Unit: "%", Start: start, End: end, Min: ptr(0), Max: ptr(100)}
	level := 64.0
	s := Series{Name: "Battery level", Class: "level", Step: true,
		Points: []Point{{start.Add(-26 * time.Hour), level}}} // the state at Start
	for t := start.Add(-3 * time.Hour); t.Before(end); t = t.Add(30 * time.Minute) {
		h := t.Hour()
		switch {
		case t.YearDay()%2 == 0 && h >= 1 && h < 5:
			level = math.Min(90, level+5)
		case h == 8 || h == 17:
			level -= 4
		default:
			continue
		}
		s.Points = append(s.Points, Point{t, level})
	}
	c.Series = []Series{s}
	return c
}

func TestGolden(t *testing.T) {
	cases := []struct {
		file string
		c    Chart
	}{
		{"site_24h.svg", siteDay()},
		{"battery_7d.svg", batteryWeek()},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(&b, c.c); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.file)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the rendering (%d bytes, golden %d); look at both and run go test -update if the change is right", path, b.Len(), len(want))
			}
		})
	}
}

// BenchmarkWeek renders 7 days of 10-second samples (60 480 points) in each
// of an energy site's four flows.
func BenchmarkWeek(b *testing.B) {
	c := Chart{Title: "Power", Unit: "kW", Start: day0, End: day0.Add(7 * 24 * time.Hour)}
	for i, class := range []string{"solar", "battery", "grid", "home"} {
		s := week(i+1, 1000*i, 50000-1000*i, 9, -7)
		s.Name, s.Class, s.Fill = class, class, i == 0
		c.Series = append(c.Series, s)
	}
	var size int
	for b.Loop() {
		var w countingWriter
		if err := Render(&w, c); err != nil {
			b.Fatal(err)
		}
		size = int(w)
	}
	b.ReportMetric(float64(size), "svg-bytes")
}

type countingWriter int

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
