package chart

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestIncludeZero(t *testing.T) {
	cases := []struct {
		name           string
		lo, hi         float64
		wantLo, wantHi float64
	}{
		{"crosses zero", -3.2, 5.1, -3.2, 5.1},
		{"near zero above", 0.4, 5, 0, 5},              // gap 0.4 ≤ span 4.6
		{"gap equals span", 5, 10, 0, 10},              // gap 5 ≤ span 5
		{"far above zero", 60, 80, 60, 80},             // gap 60 > span 20
		{"near zero below", -5.2, -1.1, -5.2, 0},       // gap 1.1 ≤ span 4.1
		{"far below zero", -100, -90, -100, -90},       // gap 90 > span 10
		{"flat positive", 50, 50, 0, 50},               // no span: reach 0
		{"flat negative", -2, -2, -2, 0},               //
		{"flat zero", 0, 0, 0, 1},                      // a unit range
		{"starts at zero", 0, 7.3, 0, 7.3},             //
		{"ends at zero", -7.3, 0, -7.3, 0},             //
		{"tiny values near zero", 0.12, 0.87, 0, 0.87}, // gap 0.12 ≤ span 0.75
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lo, hi := includeZero(c.lo, c.hi)
			if lo != c.wantLo || hi != c.wantHi {
				t.Errorf("includeZero(%v, %v) = %v, %v; want %v, %v", c.lo, c.hi, lo, hi, c.wantLo, c.wantHi)
			}
		})
	}
}

// TestNiceScale checks the y axis against ranges worked out by hand: the
// step is the smallest 1, 2 or 5 × 10^n giving at most 6 ticks once the
// free ends are rounded out to it.
func TestNiceScale(t *testing.T) {
	cases := []struct {
		name             string
		lo, hi           float64
		fixedLo, fixedHi bool
		want             []float64
		wantLo, wantHi   float64
		decimals         int
	}{
		// 0..100 fixed: steps 10 (11 ticks) too many, 20 gives 6.
		{"battery 0..100 fixed", 0, 100, true, true, []float64{0, 20, 40, 60, 80, 100}, 0, 100, 0},
		// 0..7.3: step 1 needs 0..8 (9 ticks), step 2 0..8 (5).
		{"charging 0..7.3 kW", 0, 7.3, false, false, []float64{0, 2, 4, 6, 8}, 0, 8, 0},
		// -3.2..5.1: step 1 is -4..6 (11), step 2 is -4..6 (6).
		{"grid -3.2..5.1 kW", -3.2, 5.1, false, false, []float64{-4, -2, 0, 2, 4, 6}, -4, 6, 0},
		// 0..0.87: step 0.1 is 0..0.9 (10), 0.2 is 0..1 (6).
		{"small 0..0.87", 0, 0.87, false, false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, 0, 1, 1},
		// 62..78: step 2 is 62..78 (9), 5 is 60..80 (5).
		{"battery 62..78 free", 62, 78, false, false, []float64{60, 65, 70, 75, 80}, 60, 80, 0},
		// 15.5..24.5: step 2 is 14..26 (7), 5 is 15..25 (3), grown down to 10.
		{"too few ticks grow down", 15.5, 24.5, false, false, []float64{10, 15, 20, 25}, 10, 25, 0},
		// 0..9.5 from 0: step 2 is 0..10 (6).
		{"from zero", 0, 9.5, false, false, []float64{0, 2, 4, 6, 8, 10}, 0, 10, 0},
		// -5.2..0: step 1 is -6..0 (7), 2 is -6..0 (4).
		{"all negative", -5.2, 0, false, false, []float64{-6, -4, -2, 0}, -6, 0, 0},
		// 0..50: step 10 gives 6.
		{"flat 50 widened", 0, 50, false, false, []float64{0, 10, 20, 30, 40, 50}, 0, 50, 0},
		// 0..1: step 0.2 gives 6.
		{"unit", 0, 1, false, false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, 0, 1, 1},
		// 1200..11000 W: step 2000 is 0..12000 (7), 5000 is 0..15000 (4).
		{"large", 0, 11000, false, false, []float64{0, 5000, 10000, 15000}, 0, 15000, 0},
		// Fixed 0 at the bottom, free top 3.3: step 1 is 0..4 (5).
		{"fixed min only", 0, 3.3, true, false, []float64{0, 1, 2, 3, 4}, 0, 4, 0},
		// Fixed -1..1: step 0.5 gives 5 inside the range.
		{"fixed symmetric", -1, 1, true, true, []float64{-1, -0.5, 0, 0.5, 1}, -1, 1, 1},
		// Fixed 10..95: step 20 gives 20..80 (4) inside the range, ends unlabelled.
		{"fixed unaligned", 10, 95, true, true, []float64{20, 40, 60, 80}, 10, 95, 0},
		// 0.01..0.034 → 0..0.034: step 0.005 is 0..0.035 (8), 0.01 is 0..0.04 (5).
		{"hundredths", 0, 0.034, false, false, []float64{0, 0.01, 0.02, 0.03, 0.04}, 0, 0.04, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := niceScale(c.lo, c.hi, c.fixedLo, c.fixedHi)
			if !slices.Equal(s.ticks, c.want) || s.lo != c.wantLo || s.hi != c.wantHi || s.decimals != c.decimals {
				t.Errorf("niceScale(%v, %v, %v, %v) = %v over [%v, %v] with %d decimals; want %v over [%v, %v] with %d",
					c.lo, c.hi, c.fixedLo, c.fixedHi, s.ticks, s.lo, s.hi, s.decimals, c.want, c.wantLo, c.wantHi, c.decimals)
			}
		})
	}
}

// TestNiceScaleRandom checks the invariants over many data ranges: 4 to 6
// ticks, the data inside the axis, ticks at its ends.
func TestNiceScaleRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		scale := []float64{0.01, 1, 100, 1e4}[r.IntN(4)]
		lo := (r.Float64()*2 - 1) * scale
		hi := lo + r.Float64()*scale + scale/1000
		lo, hi = includeZero(lo, hi)
		s := niceScale(lo, hi, false, false)
		if n := len(s.ticks); n < minYTicks || n > maxYTicks {
			t.Fatalf("niceScale(%v, %v): %d ticks %v", lo, hi, n, s.ticks)
		}
		if s.lo > lo || s.hi < hi || s.ticks[0] != s.lo || s.ticks[len(s.ticks)-1] != s.hi {
			t.Fatalf("niceScale(%v, %v) = %v over [%v, %v]", lo, hi, s.ticks, s.lo, s.hi)
		}
	}
}

func TestFormatValue(t *testing.T) {
	cases := []struct {
		v        float64
		decimals int
		unit     string
		want     string
	}{
		{40, 0, "%", "40%"},
		{2.5, 1, "kW", "2.5 kW"},
		{-0.0001, 1, "kW", "0.0 kW"},
		{-2, 0, "kW", "-2 kW"},
		{21.5, 1, "°C", "21.5°C"},
		{3, 0, "", "3"},
	}
	for _, c := range cases {
		if got := withUnit(formatValue(c.v, c.decimals), c.unit); got != c.want {
			t.Errorf("%v with %d decimals in %q = %q, want %q", c.v, c.decimals, c.unit, got, c.want)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	utc := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC) }
	cet := time.FixedZone("CET", 3600)
	cases := []struct {
		name       string
		start, end time.Time
		loc        *time.Location
		want       []string
	}{
		// 2026-03-02 is a Monday. 24 h: 2 h would be 12 ticks, 3 h fits in 10.
		{"24 h unaligned", utc(2, 15, 17), utc(3, 15, 17), time.UTC,
			[]string{"18:00", "21:00", "Tue 3", "03:00", "06:00", "09:00", "12:00", "15:00"}},
		{"24 h aligned includes both ends", utc(2, 15, 0), utc(3, 15, 0), time.UTC,
			[]string{"15:00", "18:00", "21:00", "Tue 3", "03:00", "06:00", "09:00", "12:00", "15:00"}},
		{"24 h in CET", utc(2, 0, 0), utc(3, 0, 0), cet,
			[]string{"03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "Tue 3"}},
		// 36 h: 3 h would be 13 ticks, 6 h is 6.
		{"36 h", utc(2, 0, 0), utc(3, 12, 0), time.UTC,
			[]string{"Mon 2", "06:00", "12:00", "18:00", "Tue 3", "06:00", "12:00"}},
		// 1 h: 5 min would be 13 ticks, 10 min is 7.
		{"1 h", utc(2, 10, 0), utc(2, 11, 0), time.UTC,
			[]string{"10:00", "10:10", "10:20", "10:30", "10:40", "10:50", "11:00"}},
		{"7 days", utc(2, 12, 0), utc(9, 12, 0), time.UTC,
			[]string{"Tue 3", "Wed 4", "Thu 5", "Fri 6", "Sat 7", "Sun 8", "Mon 9"}},
		// 2026-03-03 is day 20515 since 1970-01-01, odd: even days are the 2nd, 4th…
		{"14 days every other day", utc(1, 12, 0), utc(15, 12, 0), time.UTC,
			[]string{"Mon 2", "Wed 4", "Fri 6", "Sun 8", "Tue 10", "Thu 12", "Sat 14"}},
		{"60 days Mondays", utc(1, 0, 0), utc(30, 0, 0).AddDate(0, 1, 0), time.UTC,
			[]string{"Mon 2", "Mon 9", "Mon 16", "Mon 23", "Mon 30", "Mon 6", "Mon 13", "Mon 20", "Mon 27"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, tick := range timeTicks(c.start, c.end, c.loc, 10) {
				got = append(got, tick.label)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("labels %q, want %q", got, c.want)
			}
		})
	}
}

// TestTimeTicksDST: on the day clocks go forward, 02:00 does not exist and
// the ticks keep to wall-clock times.
func TestTimeTicksDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	start := time.Date(2026, 3, 28, 12, 0, 0, 0, berlin)
	var got []string
	for _, tick := range timeTicks(start, start.Add(24*time.Hour), berlin, 10) {
		got = append(got, tick.label)
	}
	want := []string{"12:00", "15:00", "18:00", "21:00", "Sun 29", "03:00", "06:00", "09:00", "12:00"}
	if !slices.Equal(got, want) {
		t.Errorf("labels %q, want %q", got, want)
	}
}
