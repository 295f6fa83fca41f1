package chart

import (
	"math"
	"strconv"
	"time"
)

// Tick counts on the y axis.
const (
	minYTicks = 4
	maxYTicks = 6
)

// yScale is the value axis: the range drawn and its ticks.
type yScale struct {
	lo, hi   float64   // the axis range, bottom and top of the plot area
	ticks    []float64 // labelled values, ascending, within [lo, hi]
	decimals int       // decimals the step needs in labels
}

// includeZero widens the data range [lo, hi] to reach 0 when the data
// crosses or nears it: when the gap between the data and 0 is no larger than
// the data's own span (so kW of solar from 0.4 to 5 starts at 0, while a
// battery between 60 and 80 % keeps its detail). A flat range (lo == hi)
// always reaches 0, and a flat 0 becomes [0, 1].
func includeZero(lo, hi float64) (float64, float64) {
	span := hi - lo
	switch {
	case lo == 0 && hi == 0:
		return 0, 1
	case lo > 0 && lo <= span, lo > 0 && span == 0:
		return 0, hi
	case hi < 0 && -hi <= span, hi < 0 && span == 0:
		return lo, 0
	}
	return lo, hi
}

// niceScale chooses the y axis for data in [lo, hi] (lo < hi). The step is
// the smallest 1, 2 or 5 × 10^n that needs at most maxYTicks ticks; an end
// that is not fixed is rounded outwards to a multiple of the step, and if
// that leaves fewer than minYTicks ticks the axis grows by a step (down,
// unless that would cross 0, else up). A fixed end stays where it is and the
// ticks are the step's multiples inside the range.
func niceScale(lo, hi float64, fixedLo, fixedHi bool) yScale {
	span := hi - lo
	e := int(math.Floor(math.Log10(span))) - 2
	for ; ; e++ {
		for _, m := range [...]int64{1, 2, 5} {
			s := yScale{lo: lo, hi: hi}
			step := scaled(m, e)
			kLo := int64(math.Ceil(lo/step - 1e-9))
			kHi := int64(math.Floor(hi/step + 1e-9))
			if !fixedLo {
				kLo = int64(math.Floor(lo/step + 1e-9))
				s.lo = scaled(kLo*m, e)
			}
			if !fixedHi {
				kHi = int64(math.Ceil(hi/step - 1e-9))
				s.hi = scaled(kHi*m, e)
			}
			if kHi-kLo+1 > maxYTicks {
				continue
			}
			for kHi-kLo+1 < minYTicks && !(fixedLo && fixedHi) {
				if !fixedLo && (lo < 0 || kLo > 0) {
					kLo--
					s.lo = scaled(kLo*m, e)
				} else if !fixedHi {
					kHi++
					s.hi = scaled(kHi*m, e)
				} else {
					break
				}
			}
			for k := kLo; k <= kHi; k++ {
				s.ticks = append(s.ticks, scaled(k*m, e))
			}
			s.decimals = max(0, -e)
			return s
		}
	}
}

// scaled is m × 10^e, computed so that decimal steps come out as the
// nearest float64 (0.1 × 3 would not).
func scaled(m int64, e int) float64 {
	if e >= 0 {
		return float64(m) * math.Pow10(e)
	}
	return float64(m) / math.Pow10(-e)
}

// formatValue writes v with the given decimals, never as "-0".
func formatValue(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if s[0] == '-' {
		zero := true
		for _, c := range s[1:] {
			if c != '0' && c != '.' {
				zero = false
				break
			}
		}
		if zero {
			s = s[1:]
		}
	}
	return s
}

// withUnit appends the unit to a formatted value: "40%", "2.5 kW".
func withUnit(v, unit string) string {
	switch {
	case unit == "":
		return v
	case unit[0] == '%' || len(unit) >= 2 && unit[:2] == "°":
		return v + unit
	}
	return v + " " + unit
}

// timeTick is a labelled instant on the x axis.
type timeTick struct {
	t     time.Time
	label string
}

// hourSteps are the tick intervals, in minutes, for spans up to 36 h; each
// divides a day, so ticks fall on the same wall-clock times every day.
var hourSteps = [...]int{1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720}

// dayMode is the longest span labelled by time of day.
const dayMode = 36 * time.Hour

// timeTicks chooses at most maxTicks ticks in [start, end] at wall-clock
// boundaries in loc: for spans up to 36 h, the first of hourSteps that fits,
// labelled "15:00" (midnight is labelled with its day, "Tue 3"); for longer
// spans local midnights, every day, every other day, Mondays, or every n-th
// Monday, labelled "Mon 2".
func timeTicks(start, end time.Time, loc *time.Location, maxTicks int) []timeTick {
	span := end.Sub(start)
	if span <= dayMode {
		for _, m := range hourSteps {
			step := time.Duration(m) * time.Minute
			if span/step+1 > time.Duration(maxTicks) {
				continue
			}
			ticks := clockTicks(start, end, loc, m)
			if len(ticks) <= maxTicks || m == hourSteps[len(hourSteps)-1] {
				return ticks
			}
		}
	}
	days := dayTicks(start, end, loc)
	if len(days) <= maxTicks {
		return days
	}
	// Every other day, by the parity of the civil date, so the choice does
	// not depend on where the period starts.
	var odd []timeTick
	for _, d := range days {
		if civilDay(d.t)%2 == 0 {
			odd = append(odd, d)
		}
	}
	if len(odd) <= maxTicks {
		return odd
	}
	var mondays []timeTick
	for _, d := range days {
		if d.t.Weekday() == time.Monday {
			mondays = append(mondays, d)
		}
	}
	for n := 1; ; n++ {
		var every []timeTick
		for _, d := range mondays {
			if (civilDay(d.t)/7)%int64(n) == 0 {
				every = append(every, d)
			}
		}
		if len(every) <= maxTicks {
			return every
		}
	}
}

// clockTicks are the times in [start, end] whose local minute of the day is
// a multiple of every.
func clockTicks(start, end time.Time, loc *time.Location, every int) []timeTick {
	var ticks []timeTick
	y, mo, d := start.In(loc).Date()
	for day := time.Date(y, mo, d, 0, 0, 0, 0, loc); !day.After(end); {
		y, mo, d := day.Date()
		for min := 0; min < 24*60; min += every {
			t := time.Date(y, mo, d, 0, min, 0, 0, loc)
			if t.Before(start) || t.After(end) || len(ticks) > 0 && !t.After(ticks[len(ticks)-1].t) {
				continue
			}
			label := t.Format("15:04")
			if t.Hour() == 0 && t.Minute() == 0 {
				label = t.Format("Mon 2")
			}
			ticks = append(ticks, timeTick{t, label})
		}
		day = time.Date(y, mo, d+1, 0, 0, 0, 0, loc)
	}
	return ticks
}

// dayTicks are the local midnights in [start, end].
func dayTicks(start, end time.Time, loc *time.Location) []timeTick {
	var ticks []timeTick
	y, mo, d := start.In(loc).Date()
	for t := time.Date(y, mo, d, 0, 0, 0, 0, loc); !t.After(end); t = time.Date(y, mo, d, 0, 0, 0, 0, loc) {
		if !t.Before(start) {
			ticks = append(ticks, timeTick{t, t.Format("Mon 2")})
		}
		d++
	}
	return ticks
}

// civilDay numbers t's local date as days since 1970-01-01, so that which
// days or Mondays a sparse axis labels depends on the dates alone, not on
// where the period starts.
func civilDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
