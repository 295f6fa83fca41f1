package sim

import (
	"math"
	"net/url"
	"testing"
	"time"
)

// history asks calendar_history and returns its time_series.
func (m *memClient) history(tok string, site int64, q url.Values) []map[string]any {
	m.t.Helper()
	st, body := m.do("GET", InMemoryBaseURLs["NA"]+"/api/1/energy_sites/"+itoa(site)+"/calendar_history?"+q.Encode(), tok, nil)
	if st != 200 {
		m.t.Fatalf("calendar_history %s: %d %s", q.Encode(), st, body)
	}
	var r struct {
		Response struct {
			Period     string           `json:"period"`
			TimeSeries []map[string]any `json:"time_series"`
		} `json:"response"`
	}
	mustJSON(m.t, body, &r)
	return r.Response.TimeSeries
}

// Tesla's calendar_history (kind=energy, period=day) holds today's rows
// since local midnight, also on a site the simulator has just started.
func TestCalendarHistoryOnAFreshSimulator(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 6, 15, 14, 2, 30, 0, la)
	newCloud := func() (*memClient, string, int64) {
		c, err := NewInMemory(Options{Seed: 7, Start: start})
		if err != nil {
			t.Fatal(err)
		}
		m := newMemClient(t, c)
		return m, m.token(allScopes...), 2252000001
	}

	t.Run("today since midnight", func(t *testing.T) {
		m, tok, site := newCloud()
		rows := m.history(tok, site, url.Values{"kind": {"energy"}, "period": {"day"}})
		if len(rows) == 0 {
			t.Fatal("empty time_series on a fresh simulator; Tesla returns today's rows since local midnight")
		}
		first, _ := time.Parse(time.RFC3339, rows[0]["timestamp"].(string))
		if want := time.Date(2025, 6, 15, 0, 0, 0, 0, la); !first.Equal(want) {
			t.Errorf("first row at %v; want local midnight %v", first, want)
		}
		if want := int(start.Sub(time.Date(2025, 6, 15, 0, 0, 0, 0, la))/(5*time.Minute)) + 1; len(rows) != want {
			t.Errorf("%d rows; want %d (every 5 minutes since midnight)", len(rows), want)
		}
		var solarNoon, solarNight float64
		for i, r := range rows {
			ts, _ := time.Parse(time.RFC3339, r["timestamp"].(string))
			if i > 0 {
				prev, _ := time.Parse(time.RFC3339, rows[i-1]["timestamp"].(string))
				if ts.Sub(prev) != 5*time.Minute {
					t.Fatalf("rows %d and %d are %v apart", i-1, i, ts.Sub(prev))
				}
			}
			if !ts.Before(start) {
				t.Fatalf("row at %v is not before the start %v", ts, start)
			}
			home := r["total_home_usage"].(float64)
			parts := r["consumer_energy_imported_from_grid"].(float64) + r["consumer_energy_imported_from_solar"].(float64) +
				r["consumer_energy_imported_from_battery"].(float64)
			if home <= 0 || math.Abs(home-parts) > 0.05 {
				t.Errorf("%v: home usage %v, sources %v", ts, home, parts)
			}
			switch h := ts.Hour(); {
			case h >= 11 && h < 14:
				solarNoon += r["total_solar_generation"].(float64)
			case h < 4:
				solarNight += r["total_solar_generation"].(float64)
			}
		}
		if solarNoon <= 0 || solarNight != 0 {
			t.Errorf("solar around noon %v Wh, at night %v Wh; want some and none", solarNoon, solarNight)
		}
	})

	t.Run("earlier days on request, back to installation", func(t *testing.T) {
		m, tok, site := newCloud()
		week := m.history(tok, site, url.Values{"kind": {"energy"}, "period": {"week"}})
		if len(week) != 7 {
			t.Fatalf("week: %d rows; want 7", len(week))
		}
		for _, r := range week {
			if r["total_home_usage"].(float64) < 1000 {
				t.Errorf("day %v: home usage %v Wh", r["timestamp"], r["total_home_usage"])
			}
		}
		// The installation was on 2024-03-15: March 2024 starts that day.
		march := m.history(tok, site, url.Values{"kind": {"energy"}, "period": {"month"},
			"end_date": {"2024-03-31T23:59:59-07:00"}})
		if len(march) != 17 || march[0]["timestamp"] != "2024-03-15T00:00:00-07:00" {
			t.Errorf("March 2024: %d rows from %v; want 17 from the installation day", len(march), march[0]["timestamp"])
		}
		life := m.history(tok, site, url.Values{"kind": {"energy"}, "period": {"lifetime"}})
		if len(life) != 2 {
			t.Errorf("lifetime: %d rows; want 2024 and 2025", len(life))
		}
	})

	t.Run("the answer does not depend on the order of the questions", func(t *testing.T) {
		m1, tok1, site := newCloud()
		m2, tok2, _ := newCloud()
		m2.history(tok2, site, url.Values{"kind": {"energy"}, "period": {"year"}})
		day := url.Values{"kind": {"energy"}, "period": {"week"}}
		a, b := m1.history(tok1, site, day), m2.history(tok2, site, day)
		for i := range a {
			if a[i]["total_home_usage"] != b[i]["total_home_usage"] || a[i]["timestamp"] != b[i]["timestamp"] {
				t.Fatalf("row %d: %v vs %v", i, a[i], b[i])
			}
		}
	})
}
