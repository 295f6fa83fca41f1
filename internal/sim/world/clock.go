package world

import "time"

// clock is the simulated time: a base instant that moves with the real clock
// scaled by speed, plus manual advances.
//
// The cars' own clock (carNow) is the same clock with its rate capped at
// real time: it stops when the simulated clock stops and jumps with every
// advance, but never runs faster than the host's. Tesla's clients give a
// signed message a lifetime in real seconds counted from the car's clock at
// the handshake; a car whose clock ran at 60× would find every message
// expired on arrival.
type clock struct {
	base     time.Time // simulated instant at realBase
	carBase  time.Time // the cars' clock at realBase
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
	return clock{base: start, carBase: start, realBase: realNow(), speed: speed, realNow: realNow}
}

// now is the current simulated instant.
func (c *clock) now() time.Time {
	if c.speed == 0 {
		return c.base
	}
	real := c.realNow().Sub(c.realBase)
	return c.base.Add(time.Duration(float64(real) * c.speed))
}

// carNow is the cars' clock: the simulated clock at most at real rate.
func (c *clock) carNow() time.Time {
	real := c.realNow().Sub(c.realBase)
	return c.carBase.Add(time.Duration(float64(real) * min(c.speed, 1)))
}

// advance moves the simulated clock (and the cars') forward by d (never backward).
func (c *clock) advance(d time.Duration) {
	if d > 0 {
		c.base = c.base.Add(d)
		c.carBase = c.carBase.Add(d)
	}
}

// setSpeed rebases the clock so that the simulated time is continuous.
func (c *clock) setSpeed(speed float64) {
	if speed < 0 {
		speed = 0
	}
	c.base, c.carBase = c.now(), c.carNow()
	c.realBase = c.realNow()
	c.speed = speed
}
