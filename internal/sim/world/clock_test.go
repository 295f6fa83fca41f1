package world

import (
	"fmt"
	"testing"
	"time"
)

// The cars' clock stops and jumps with the simulated clock but never runs
// faster than real time.
func TestCarClock(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		speed float64
		real  time.Duration
		want  time.Duration // the cars' clock after real, then an advance of 1 h
	}{
		{0, time.Minute, time.Hour},
		{0.5, time.Minute, 30*time.Second + time.Hour},
		{1, time.Minute, time.Minute + time.Hour},
		{60, time.Minute, time.Minute + time.Hour},
	} {
		t.Run(fmt.Sprint(c.speed), func(t *testing.T) {
			real := start
			clk := newClock(start, c.speed, func() time.Time { return real })
			real = real.Add(c.real)
			clk.advance(time.Hour)
			if got := clk.carNow().Sub(start); got != c.want {
				t.Errorf("cars' clock moved %s, want %s", got, c.want)
			}
			clk.setSpeed(1)
			before := clk.carNow()
			real = real.Add(time.Second)
			if got := clk.carNow().Sub(before); got != time.Second {
				t.Errorf("after setSpeed(1) one real second moved the cars' clock %s", got)
			}
		})
	}
}
