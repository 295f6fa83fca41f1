package world

import "time"

// clock is the simulated time: a base instant that moves with the real clock
// scaled by speed, plus manual advances.
type clock struct {
	base     time.Time // simulated instant at realBase
	realBase time.Time
	speed    float64
	realNow  func() time.Time
}

func newClock(start time.Time, speed float64, realNow func() time.Time) clock {
	if realNow == nil {
		realNow = time.Now
	}
	if speed < 0 {
		speed = 0
	}
	return clock{base: start, realBase: realNow(), speed: speed, realNow: realNow}
}

// now is the current simulated instant.
func (c *clock) now() time.Time {
	if c.speed == 0 {
		return c.base
	}
	real := c.realNow().Sub(c.realBase)
	return c.base.Add(time.Duration(float64(real) * c.speed))
}

// advance moves the simulated clock forward by d (never backward).
func (c *clock) advance(d time.Duration) {
	if d > 0 {
		c.base = c.base.Add(d)
	}
}

// setSpeed rebases the clock so that the simulated time is continuous.
func (c *clock) setSpeed(speed float64) {
	if speed < 0 {
		speed = 0
	}
	c.base = c.now()
	c.realBase = c.realNow()
	c.speed = speed
}
