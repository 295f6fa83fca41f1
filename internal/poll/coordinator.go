package poll

import (
	"context"
	"sync"
	"time"
)

// Coordinator polls one data source: a vehicle, or one of an energy site's
// live status, site info and energy history. Its methods are safe for
// concurrent use.
type Coordinator struct {
	s    *Scheduler
	id   string
	kind Kind
	vin  string
	site int64
	r    refresher

	run sync.Mutex // one refresh at a time; guards r's state

	// Guarded by s.mu.
	index     int       // position in s.due, -1 when not there
	seq       uint64    // arming order, for ties
	key       time.Time // when it is due in s.due
	next      time.Time // next automatic refresh
	anchor    time.Time // end of the last refresh, or when it was armed
	floor     time.Duration
	notBefore time.Time // a 429's Retry-After
	forceAt   time.Time // a pending Request, zero when none
	cooldown  time.Time // end of the request cooldown
	custom    time.Duration
	listening bool
	removed   bool
	busy      int // refreshes in flight
}

// refresher is one kind's refresh logic (§3.3–3.6).
type refresher interface {
	refresh(ctx context.Context, f Fetcher, now func() time.Time) *outcome
}

// outcome is a refresh's snapshot plus what it means for the schedule.
type outcome struct {
	snap       Snapshot
	floor      time.Duration // lower bound of the next intervals (pre-2021 quiet window)
	retryAfter time.Duration // a 429's Retry-After: no automatic refresh before it
}

// Kind is the coordinator's data source.
func (c *Coordinator) Kind() Kind { return c.kind }

// VIN is the vehicle's VIN (vehicle coordinators).
func (c *Coordinator) VIN() string { return c.vin }

// SiteID is the energy site's id (energy coordinators).
func (c *Coordinator) SiteID() int64 { return c.site }

// Refresh refreshes now and synchronously (Home Assistant's first refresh),
// whether polling is on or not, delivers the snapshot to the sink and
// returns it. The next automatic refresh counts from its end. It waits for
// a refresh in flight of the same coordinator.
func (c *Coordinator) Refresh(ctx context.Context) Snapshot {
	s := c.s
	s.mu.Lock()
	c.busy++
	c.forceAt = time.Time{} // this refresh answers a pending request
	s.reindexLocked(c)
	s.mu.Unlock()
	return s.execute(ctx, c, false)
}

// Request asks for a refresh soon (homeassistant.update_entity), even with
// polling off. Like Home Assistant's debounced request_refresh it runs at
// once through the worker pool, and again at most once more, at the end of
// a 10 s cooldown after it, however often it is called meanwhile. A request
// while a refresh is in flight is answered by that refresh. The refresh
// re-arms the periodic timer to one interval after its end. It waits for a
// 429's Retry-After.
func (c *Coordinator) Request() {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.removed || c.busy > 0 || !c.forceAt.IsZero() {
		return
	}
	at := s.cfg.Now()
	if c.cooldown.After(at) {
		at = c.cooldown
	}
	if c.notBefore.After(at) {
		at = c.notBefore
	}
	c.forceAt = at
	s.reindexLocked(c)
}

// SetInterval sets a custom polling interval for this coordinator (0 =
// Home Assistant's default for its kind). The next automatic refresh moves
// to one new interval after the last refresh (never before a Retry-After).
func (c *Coordinator) SetInterval(d time.Duration) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if d < 0 {
		d = 0
	}
	c.custom = d
	if c.listening {
		c.next = c.planLocked()
		s.reindexLocked(c)
	}
}

// Interval is the coordinator's current base interval: the custom one, or
// the default of its kind.
func (c *Coordinator) Interval() time.Duration {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.baseLocked()
}

// SetListening says whether any entity of this coordinator is enabled.
// Only listening coordinators poll automatically; when listening starts,
// the first automatic refresh is one interval later (§3.0). Energy history
// starts not listening (§3.6); the others start listening.
func (c *Coordinator) SetListening(on bool) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.removed || c.listening == on {
		return
	}
	if on {
		s.listenLocked(c)
		return
	}
	c.listening = false
	s.reindexLocked(c)
}

// Next is when the next automatic refresh is planned (zero when none).
func (c *Coordinator) Next() time.Time {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.removed || !c.listening || !s.polling {
		return time.Time{}
	}
	return c.next
}

// Remove stops the coordinator for good: no more refreshes, and a refresh
// in flight delivers no snapshot. Adding the product again makes a new one.
func (c *Coordinator) Remove() {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.removed {
		return
	}
	c.removed = true
	if s.byID[c.id] == c {
		delete(s.byID, c.id)
	}
	s.reindexLocked(c)
}

func (c *Coordinator) baseLocked() time.Duration {
	if c.custom > 0 {
		return c.custom
	}
	switch c.kind {
	case KindVehicle:
		return VehicleInterval
	case KindEnergyLive:
		return EnergyLiveInterval
	case KindEnergyInfo:
		return EnergyInfoInterval
	default:
		return EnergyHistoryInterval
	}
}

// planLocked is the next automatic refresh: one interval after the anchor
// (the floor of the quiet window may lengthen it), never before a 429's
// Retry-After.
func (c *Coordinator) planLocked() time.Time {
	next := c.anchor.Add(max(c.baseLocked(), c.floor))
	if c.notBefore.After(next) {
		next = c.notBefore
	}
	return next
}

// keyLocked is when c is due: its next automatic refresh (while polling
// and listening) or a pending request, whichever comes first.
func (c *Coordinator) keyLocked(polling bool) (time.Time, bool) {
	periodic := polling && c.listening
	forced := !c.forceAt.IsZero()
	switch {
	case periodic && forced:
		if c.forceAt.Before(c.next) {
			return c.forceAt, true
		}
		return c.next, true
	case periodic:
		return c.next, true
	case forced:
		return c.forceAt, true
	}
	return time.Time{}, false
}
