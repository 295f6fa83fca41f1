package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// The history writer commits up to batchMax changes per transaction,
// waiting at most batchDelay after the first for more to come.
const (
	batchMax   = 256
	batchDelay = 100 * time.Millisecond
	warnEvery  = time.Minute
)

// StateChange is one row of the state history: an entity's new state (or
// only new attributes) at LastUpdated.
type StateChange struct {
	EntityID, State string
	Attributes      []byte // JSON; nil: none
	LastChanged     time.Time
	LastUpdated     time.Time // zero: LastChanged, or Options.Now()
	ContextID       string
}

// Record queues a change for the history writer and returns at once: true
// when queued, false when the queue is full or the store closed (the
// change is dropped, counted in Dropped and logged at most once a minute).
// A queued change is committed within batchDelay or at Flush or Close.
func (s *Store) Record(c StateChange) bool {
	if c.LastUpdated.IsZero() {
		c.LastUpdated = c.LastChanged
		if c.LastUpdated.IsZero() {
			c.LastUpdated = s.now()
		}
	}
	if c.LastChanged.IsZero() {
		c.LastChanged = c.LastUpdated
	}
	return s.hist.record(c)
}

// Dropped returns how many changes Record has dropped since Open.
func (s *Store) Dropped() uint64 { return s.hist.dropped.Load() }

// HistoryQueue returns how many changes wait for the history writer, and
// how many fit (Options.HistoryQueue).
func (s *Store) HistoryQueue() (queued, capacity int) { return len(s.hist.queue), cap(s.hist.queue) }

// Flush waits until every change queued before it is committed. It returns
// the first commit error since the previous Flush (those changes are lost).
func (s *Store) Flush(ctx context.Context) error { return s.hist.flush(ctx) }

// historyWriter owns the queue and the goroutine that commits it.
type historyWriter struct {
	s       *Store
	mu      sync.RWMutex // Record (read) against close (write)
	closed  bool
	queue   chan StateChange
	flushes chan chan error
	done    chan struct{} // closed: drain and exit
	exited  chan struct{}
	dropped atomic.Uint64
	warned  atomic.Int64 // unix nanos of the last "queue full" warning
	err     error        // first commit error since the last flush; run's
}

func newHistoryWriter(s *Store, size int) *historyWriter {
	return &historyWriter{
		s:       s,
		queue:   make(chan StateChange, size),
		flushes: make(chan chan error),
		done:    make(chan struct{}),
		exited:  make(chan struct{}),
	}
}

func (h *historyWriter) record(c StateChange) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if !h.closed {
		select {
		case h.queue <- c:
			return true
		default:
		}
	}
	n := h.dropped.Add(1)
	now := time.Now().UnixNano()
	if last := h.warned.Load(); now-last >= int64(warnEvery) && h.warned.CompareAndSwap(last, now) {
		h.s.log.Warn("store: history queue full, state changes dropped", "dropped_total", n, "queue", cap(h.queue), "closed", h.closed)
	}
	return false
}

func (h *historyWriter) flush(ctx context.Context) error {
	reply := make(chan error, 1)
	select {
	case h.flushes <- reply:
	case <-h.exited: // closed: everything was committed
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close stops Record, then lets run commit what is queued and exit.
func (h *historyWriter) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	close(h.done)
	<-h.exited
}

func (h *historyWriter) run() {
	defer close(h.exited)
	batch := make([]StateChange, 0, batchMax)
	timer := time.NewTimer(batchDelay)
	timer.Stop()
	for {
		var flush chan error
		stop := false
		select {
		case c := <-h.queue:
			batch = append(batch, c)
			timer.Reset(batchDelay)
		collect:
			for len(batch) < batchMax {
				select {
				case c := <-h.queue:
					batch = append(batch, c)
				case flush = <-h.flushes:
					break collect
				case <-h.done:
					stop = true
					break collect
				case <-timer.C:
					break collect
				}
			}
			timer.Stop()
		case flush = <-h.flushes:
		case <-h.done:
			stop = true
		}
		h.commit(batch)
		batch = batch[:0]
		switch {
		case stop:
			for len(h.queue) > 0 { // Record no longer adds
				h.commit(h.take(batch, len(h.queue)))
			}
			return
		case flush != nil:
			// Everything queued before Flush was called is in the queue
			// now: commit that many, not what keeps arriving.
			for n := len(h.queue); n > 0; {
				b := h.take(batch, min(n, batchMax))
				n -= len(b)
				h.commit(b)
			}
			flush <- h.err
			h.err = nil
		}
	}
}

// take receives n queued changes into batch[:0].
func (h *historyWriter) take(batch []StateChange, n int) []StateChange {
	batch = batch[:0]
	for range min(n, batchMax) {
		batch = append(batch, <-h.queue)
	}
	return batch
}

// commit writes a batch in one transaction.
func (h *historyWriter) commit(batch []StateChange) {
	if len(batch) == 0 {
		return
	}
	err := h.s.tx(context.Background(), func(tx *sql.Tx) error {
		st, err := tx.Prepare(`INSERT INTO states(entity_id, state, attributes, last_changed, last_updated, context_id)
			VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, c := range batch {
			if _, err := st.Exec(c.EntityID, c.State, c.Attributes, nanos(c.LastChanged), c.LastUpdated.UnixNano(), c.ContextID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.s.log.Error("store: history batch lost", "changes", len(batch), "err", err)
		if h.err == nil {
			h.err = err
		}
	}
}

// History returns, for each entity that has any, the last change at or
// before start (the state at start, as stored) and then every change in
// (start, end], oldest first.
func (s *Store) History(ctx context.Context, entityIDs []string, start, end time.Time) (map[string][]StateChange, error) {
	tx, err := s.r.BeginTx(ctx, nil) // one snapshot of the database
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	const cols = "SELECT entity_id, state, attributes, last_changed, last_updated, context_id FROM states "
	before, err := tx.PrepareContext(ctx, cols+"WHERE entity_id = ? AND last_updated <= ? ORDER BY last_updated DESC, id DESC LIMIT 1")
	if err != nil {
		return nil, err
	}
	defer before.Close()
	during, err := tx.PrepareContext(ctx, cols+"WHERE entity_id = ? AND last_updated > ? AND last_updated <= ? ORDER BY last_updated, id")
	if err != nil {
		return nil, err
	}
	defer during.Close()
	m := map[string][]StateChange{}
	for _, id := range entityIDs {
		if _, seen := m[id]; seen {
			continue
		}
		var cs []StateChange
		if cs, err = scanChanges(ctx, before, cs, id, start.UnixNano()); err != nil {
			return nil, err
		}
		if cs, err = scanChanges(ctx, during, cs, id, start.UnixNano(), end.UnixNano()); err != nil {
			return nil, err
		}
		if len(cs) > 0 {
			m[id] = cs
		}
	}
	return m, nil
}

func scanChanges(ctx context.Context, st *sql.Stmt, cs []StateChange, args ...any) ([]StateChange, error) {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c StateChange
		var changed sql.NullInt64
		var updated int64
		if err := rows.Scan(&c.EntityID, &c.State, &c.Attributes, &changed, &updated, &c.ContextID); err != nil {
			return nil, err
		}
		c.LastChanged, c.LastUpdated = fromNanos(changed), time.Unix(0, updated).UTC()
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// Prune deletes the changes older than before, except each entity's last
// one at or before it, so History still knows the state at any start from
// before on. It returns how many rows it deleted. Open runs it at start
// and hourly with Options.Now() - Options.Retention.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM states WHERE last_updated < ?1 AND EXISTS (
		SELECT 1 FROM states n WHERE n.entity_id = states.entity_id AND n.last_updated <= ?1
			AND (n.last_updated > states.last_updated OR (n.last_updated = states.last_updated AND n.id > states.id)))`,
		before.UnixNano())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *Store) pruneLoop() {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := s.Prune(context.Background(), s.now().Add(-s.ret))
		switch {
		case err != nil && !errors.Is(err, sql.ErrConnDone):
			s.log.Error("store: prune history", "err", err)
		case n > 0:
			s.log.Info("store: pruned history", "rows", n)
		}
		select {
		case <-t.C:
		case <-s.stop:
			return
		}
	}
}
