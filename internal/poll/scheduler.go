package poll

import (
	"container/heap"
	"context"
	"strconv"
	"sync"
	"time"
)

// Scheduler runs the coordinators of one account: one goroutine keeps a
// min-heap of due times and hands due coordinators to a bounded pool of
// workers. There is no goroutine or timer per coordinator.
type Scheduler struct {
	cfg Config

	mu      sync.Mutex
	due     dueHeap
	byID    map[string]*Coordinator
	seq     uint64
	polling bool
	running bool
	wake    chan struct{} // buffered(1): the head of the heap may have changed
	counts  map[Kind]Counts
}

// Counts are a coordinator kind's refreshes since the start, and how many
// of them failed (metrics read them).
type Counts struct {
	Polls, Errors uint64
}

// Counts returns the refreshes per coordinator kind.
func (s *Scheduler) Counts() map[Kind]Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Kind]Counts, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// New returns a scheduler with polling on. Call Run to start it.
// cfg.Fetcher is required.
func New(cfg Config) *Scheduler {
	if cfg.Fetcher == nil {
		panic("poll: Config.Fetcher is nil")
	}
	return &Scheduler{
		cfg:     cfg.withDefaults(),
		byID:    map[string]*Coordinator{},
		polling: true,
		wake:    make(chan struct{}, 1),
	}
}

// VehicleSpec describes a vehicle to poll.
type VehicleSpec struct {
	VIN string
	// Location adds location_data to vehicle_data: only with the
	// vehicle_location scope.
	Location bool
}

// AddVehicle adds the vehicle's coordinator (or returns the existing one,
// with the new spec). Its first automatic refresh is one interval later
// (Home Assistant's rule when the first entity subscribes); call Refresh for
// a first refresh during setup, or Request to have it run by the pool.
func (s *Scheduler) AddVehicle(spec VehicleSpec) *Coordinator {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := string(KindVehicle) + "/" + spec.VIN
	if c, ok := s.byID[id]; ok {
		c.r.(*vehicleRefresher).setSpec(spec)
		return c
	}
	c := s.addLocked(id, KindVehicle, spec.VIN, 0, newVehicleRefresher(spec, s.cfg.Now()), true)
	return c
}

// AddSite adds the three coordinators of an energy site (or returns the
// existing ones). Live and info poll from one interval later; history polls
// only once SetListening(true) (an energy history entity is enabled).
func (s *Scheduler) AddSite(siteID int64) (live, info, history *Coordinator) {
	s.mu.Lock()
	defer s.mu.Unlock()
	get := func(k Kind, r refresher, listening bool) *Coordinator {
		id := string(k) + "/" + strconv.FormatInt(siteID, 10)
		if c, ok := s.byID[id]; ok {
			return c
		}
		return s.addLocked(id, k, "", siteID, r, listening)
	}
	live = get(KindEnergyLive, &liveRefresher{site: siteID}, true)
	info = get(KindEnergyInfo, &infoRefresher{site: siteID}, true)
	history = get(KindEnergyHistory, &historyRefresher{site: siteID}, false)
	return live, info, history
}

func (s *Scheduler) addLocked(id string, k Kind, vin string, site int64, r refresher, listening bool) *Coordinator {
	c := &Coordinator{s: s, id: id, kind: k, vin: vin, site: site, r: r, index: -1}
	s.byID[id] = c
	if listening {
		s.listenLocked(c)
	}
	return c
}

// SetPolling switches automatic refreshes of every coordinator on or off
// (the per-account "disable polling" option). Off: no automatic calls;
// Refresh and Request still work. On again: coordinators whose time passed
// while off refresh at once (through the worker pool), like Home Assistant
// reloading the entry.
func (s *Scheduler) SetPolling(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.polling == on {
		return
	}
	s.polling = on
	for _, c := range s.byID {
		s.reindexLocked(c)
	}
}

// Polling reports whether automatic refreshes are on.
func (s *Scheduler) Polling() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling
}

type job struct {
	c      *Coordinator
	forced bool
}

// Run schedules refreshes until ctx ends, then waits for the refreshes in
// flight and returns nil. Snapshots of refreshes cut short by ctx are not
// delivered.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return ErrRunning
	}
	s.running = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
	}()

	jobs := make(chan job)
	var wg sync.WaitGroup
	for range s.cfg.Workers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-jobs:
					s.execute(ctx, j.c, j.forced)
				}
			}
		})
	}
	s.loop(ctx, jobs)
	wg.Wait()
	return nil
}

// loop dispatches due coordinators and sleeps until the next due time or a
// change of the heap.
func (s *Scheduler) loop(ctx context.Context, jobs chan<- job) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		s.mu.Lock()
		for len(s.due) > 0 && !s.due[0].key.After(s.cfg.Now()) {
			c := heap.Pop(&s.due).(*Coordinator)
			forced := !c.forceAt.IsZero()
			c.forceAt = time.Time{} // any refresh answers a pending request
			c.busy++
			s.mu.Unlock()
			select {
			case jobs <- job{c, forced}:
			case <-ctx.Done():
				s.mu.Lock()
				c.busy--
				if forced {
					c.forceAt = s.cfg.Now()
				}
				s.reindexLocked(c)
				s.mu.Unlock()
				return
			}
			s.mu.Lock()
		}
		wait := time.Duration(-1)
		if len(s.due) > 0 {
			wait = s.due[0].key.Sub(s.cfg.Now())
		}
		s.mu.Unlock()
		if wait >= 0 {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

func (s *Scheduler) count(snap Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[Kind]Counts{}
	}
	c := s.counts[snap.Kind]
	c.Polls++
	if snap.Err != nil {
		c.Errors++
	}
	s.counts[snap.Kind] = c
}

// execute runs one refresh of c, re-arms it and delivers the snapshot.
func (s *Scheduler) execute(ctx context.Context, c *Coordinator, forced bool) Snapshot {
	c.run.Lock()
	defer c.run.Unlock()
	rctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	o := c.r.refresh(rctx, s.cfg.Fetcher, s.cfg.Now)
	cancel()
	o.snap.At = s.cfg.Now()
	s.count(o.snap)
	s.logOutcome(c, o)
	deliver := s.finish(c, o, forced)
	if deliver && ctx.Err() == nil {
		s.cfg.Sink(o.snap)
	}
	return o.snap
}

// finish re-arms c after a refresh (the next one counts from the end of
// this one, §3.0) and reports whether the snapshot is to be delivered.
func (s *Scheduler) finish(c *Coordinator, o *outcome, forced bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	end := o.snap.At
	c.busy--
	c.anchor = end
	c.floor = o.floor
	c.notBefore = time.Time{}
	if o.retryAfter > 0 {
		c.notBefore = end.Add(o.retryAfter)
	}
	if forced {
		c.cooldown = end.Add(RequestCooldown)
	}
	c.next = c.planLocked()
	s.reindexLocked(c)
	if s.polling && c.listening && !c.removed {
		o.snap.Next = c.next
	}
	return !c.removed
}

func (s *Scheduler) logOutcome(c *Coordinator, o *outcome) {
	log := s.cfg.Logger
	switch {
	case o.snap.RateLimited && o.retryAfter > 0:
		log.Warn("rate limited, will retry later", "coordinator", c.id, "retry_after", o.retryAfter)
	case o.snap.RateLimited:
		log.Warn("rate limited, will skip refresh", "coordinator", c.id)
	case o.snap.Err != nil:
		log.Debug("refresh failed", "coordinator", c.id, "err", o.snap.Err)
	}
}

// reindexLocked puts c in the heap at its key, or takes it out when nothing
// is due (removed, busy, not listening or polling off, and no request).
func (s *Scheduler) reindexLocked(c *Coordinator) {
	key, ok := c.keyLocked(s.polling)
	if ok && !c.removed && c.busy == 0 {
		c.key = key
		if c.index < 0 {
			s.seq++
			c.seq = s.seq
			heap.Push(&s.due, c)
		} else {
			heap.Fix(&s.due, c.index)
		}
		s.poke()
		return
	}
	if c.index >= 0 {
		heap.Remove(&s.due, c.index)
	}
}

func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// listenLocked arms c one interval from now.
func (s *Scheduler) listenLocked(c *Coordinator) {
	c.listening = true
	c.anchor = s.cfg.Now()
	c.next = c.planLocked()
	s.reindexLocked(c)
}

// dueHeap orders coordinators by key, then by arming order.
type dueHeap []*Coordinator

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if !h[i].key.Equal(h[j].key) {
		return h[i].key.Before(h[j].key)
	}
	return h[i].seq < h[j].seq
}
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *dueHeap) Push(x any) {
	c := x.(*Coordinator)
	c.index = len(*h)
	*h = append(*h, c)
}
func (h *dueHeap) Pop() any {
	old := *h
	n := len(old)
	c := old[n-1]
	old[n-1] = nil
	c.index = -1
	*h = old[:n-1]
	return c
}
