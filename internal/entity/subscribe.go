package entity

import (
	"sync"
	"sync/atomic"
)

// Change is one state change: Old is nil for an entity that appeared (or
// was enabled), New is nil for one that went away (or was disabled).
type Change struct {
	Old *State
	New *State
}

// EntityID is the changed entity's id.
func (c Change) EntityID() string {
	if c.New != nil {
		return c.New.EntityID
	}
	if c.Old != nil {
		return c.Old.EntityID
	}
	return ""
}

// Subscription receives the registry's changes on C, in order. It never
// slows the registry down: when C is full a change is dropped and counted.
type Subscription struct {
	C       <-chan Change
	c       chan Change
	dropped atomic.Uint64
	once    sync.Once
	r       *Registry
}

// Dropped is how many changes did not fit in the buffer.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close stops the subscription and closes C.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.r.mu.Lock()
		delete(s.r.subs, s)
		s.r.mu.Unlock()
		close(s.c)
	})
}

// Subscribe returns a subscription with a buffer of n changes (at least 1).
func (r *Registry) Subscribe(n int) *Subscription {
	if n < 1 {
		n = 1
	}
	c := make(chan Change, n)
	s := &Subscription{C: c, c: c, r: r}
	r.mu.Lock()
	r.subs[s] = struct{}{}
	r.mu.Unlock()
	return s
}

// publishLocked hands a change to every subscriber without blocking.
func (r *Registry) publishLocked(ch Change) {
	for s := range r.subs {
		select {
		case s.c <- ch:
		default:
			s.dropped.Add(1)
		}
	}
}
