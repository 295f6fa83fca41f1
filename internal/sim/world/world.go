package world

import (
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	_ "time/tzdata" // site time zones must resolve on hosts without zoneinfo
)

// stepDT is the fixed simulated interval of one physics step.
const stepDT = 10 * time.Second

// World is the simulated state of every account, vehicle and energy site.
// It is safe for concurrent use; one mutex guards everything.
type World struct {
	mu       sync.Mutex
	opts     Options
	clk      clock
	rng      *rand.Rand
	stepped  time.Time // the physics has run up to this instant
	accounts []*account
	vehicles []*vehicle
	byVIN    map[string]*vehicle // every vehicle by VIN: lookups stay O(1) in a large fleet
	sites    []*site

	stepHook func(t time.Time) // tests: called after every physics step
}

// New returns an empty world (no accounts).
func New(opts Options) *World {
	return newWorld(opts, nil)
}

func newWorld(opts Options, realNow func() time.Time) *World {
	if opts.Start.IsZero() {
		opts.Start = time.Now()
	}
	opts.Start = opts.Start.Round(0).Truncate(time.Second)
	if opts.IdleSleep <= 0 {
		opts.IdleSleep = 15 * time.Minute
	}
	w := &World{
		opts:    opts,
		clk:     newClock(opts.Start, opts.Speed, realNow),
		rng:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed7e51a)),
		stepped: opts.Start,
		byVIN:   map[string]*vehicle{},
	}
	return w
}

// Now is the simulated time.
func (w *World) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.clk.now()
}

// CarNow is the cars' own clock, which the signed-command protocol reads:
// the simulated clock, stopped and advanced with it, but running at most at
// real time (see clock).
func (w *World) CarNow() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.clk.carNow()
}

// Advance moves the clock forward by d and runs the physics up to the new time.
func (w *World) Advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clk.advance(d)
	w.catchUp()
}

// SetSpeed sets how many simulated seconds pass per real second (0 = manual clock).
func (w *World) SetSpeed(speed float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.catchUp()
	w.clk.setSpeed(speed)
}

// catchUp runs the physics in fixed steps up to the current simulated time
// and returns that time. The caller holds w.mu.
func (w *World) catchUp() time.Time {
	now := w.clk.now()
	for {
		next := w.stepped.Add(stepDT)
		if next.After(now) {
			return now
		}
		w.step(w.stepped, next)
		w.stepped = next
		if w.stepHook != nil {
			w.stepHook(next)
		}
	}
}

// step advances every device over (from, to].
func (w *World) step(from, to time.Time) {
	for _, v := range w.vehicles {
		v.step(w, from, to)
	}
	for _, s := range w.sites {
		s.step(w, from, to)
	}
}

// AllVINs lists every vehicle's VIN, sorted.
func (w *World) AllVINs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.vehicles))
	for _, v := range w.vehicles {
		out = append(out, v.vin)
	}
	sort.Strings(out)
	return out
}

func (w *World) vehicleByVIN(vin string) *vehicle { return w.byVIN[vin] }

// HasVehicle reports whether a vehicle with this VIN exists (any account).
// It does not move the simulation.
func (w *World) HasVehicle(vin string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.byVIN[vin] != nil
}
