package store

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func at(min int) time.Time { return base.Add(time.Duration(min) * time.Minute) }

// states returns the states of changes, for comparing.
func states(cs []StateChange) []string {
	var ss []string
	for _, c := range cs {
		ss = append(ss, c.State)
	}
	return ss
}

func TestHistory(t *testing.T) {
	ctx := t.Context()
	s := openT(t, "")
	record := []StateChange{
		{EntityID: "sensor.a", State: "a0", LastUpdated: at(0), Attributes: []byte(`{"unit":"%"}`), ContextID: "c0"},
		{EntityID: "sensor.a", State: "a1", LastUpdated: at(10)},
		{EntityID: "sensor.a", State: "a3", LastUpdated: at(30)}, // recorded before a2
		{EntityID: "sensor.a", State: "a2", LastUpdated: at(20)},
		{EntityID: "sensor.a", State: "a2bis", LastUpdated: at(20)}, // same time: recorded order
		{EntityID: "sensor.a", State: "a4", LastUpdated: at(40)},
		{EntityID: "sensor.b", State: "b1", LastUpdated: at(15)},
		{EntityID: "sensor.c", State: "c0", LastUpdated: at(-100)},
	}
	for _, c := range record {
		if !s.Record(c) {
			t.Fatalf("Record(%v) = false", c.State)
		}
	}
	must(t, s.Flush(ctx))

	cases := []struct {
		name       string
		ids        []string
		start, end time.Time
		want       map[string][]string
	}{
		{"state at start, then the changes up to end", []string{"sensor.a"}, at(15), at(30),
			map[string][]string{"sensor.a": {"a1", "a2", "a2bis", "a3"}}},
		{"a change at start is the state at start", []string{"sensor.a"}, at(10), at(10),
			map[string][]string{"sensor.a": {"a1"}}},
		{"nothing before start", []string{"sensor.a", "sensor.b"}, at(-5), at(15),
			map[string][]string{"sensor.a": {"a0", "a1"}, "sensor.b": {"b1"}}},
		{"only the state at start", []string{"sensor.c"}, at(0), at(60),
			map[string][]string{"sensor.c": {"c0"}}},
		{"unknown entities are left out", []string{"sensor.none", "sensor.b", "sensor.b"}, at(0), at(60),
			map[string][]string{"sensor.b": {"b1"}}},
		{"before anything", []string{"sensor.a"}, at(-10), at(-5), map[string][]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := s.History(ctx, c.ids, c.start, c.end)
			must(t, err)
			got := map[string][]string{}
			for id, cs := range h {
				got[id] = states(cs)
			}
			equal(t, "history", got, c.want)
		})
	}
	t.Run("fields", func(t *testing.T) {
		h, err := s.History(ctx, []string{"sensor.a"}, at(0), at(0))
		must(t, err)
		equal(t, "change", h["sensor.a"], []StateChange{{EntityID: "sensor.a", State: "a0",
			Attributes: []byte(`{"unit":"%"}`), LastChanged: at(0), LastUpdated: at(0), ContextID: "c0"}})
	})
}

func TestRecordTimes(t *testing.T) {
	ctx := t.Context()
	s := openT(t, "")
	s.Record(StateChange{EntityID: "a", State: "now"})                          // both: Now()
	s.Record(StateChange{EntityID: "b", State: "changed", LastChanged: at(-1)}) // updated = changed
	s.Record(StateChange{EntityID: "c", State: "updated", LastUpdated: at(-2)}) // changed = updated
	must(t, s.Flush(ctx))
	h, err := s.History(ctx, []string{"a", "b", "c"}, at(0), at(0))
	must(t, err)
	for id, want := range map[string]time.Time{"a": at(0), "b": at(-1), "c": at(-2)} {
		if cs := h[id]; len(cs) != 1 || !cs[0].LastChanged.Equal(want) || !cs[0].LastUpdated.Equal(want) {
			t.Errorf("%s: %+v, want both times %v", id, cs, want)
		}
	}
}

func TestPrune(t *testing.T) {
	ctx := t.Context()
	s := openT(t, "")
	for _, c := range []StateChange{
		{EntityID: "a", State: "a0", LastUpdated: at(0)},
		{EntityID: "a", State: "a1", LastUpdated: at(10)},
		{EntityID: "a", State: "a2", LastUpdated: at(20)},
		{EntityID: "a", State: "a3", LastUpdated: at(40)},
		{EntityID: "b", State: "b0", LastUpdated: at(5)},
	} {
		s.Record(c)
	}
	must(t, s.Flush(ctx))
	n, err := s.Prune(ctx, at(30))
	must(t, err)
	equal(t, "pruned", n, int64(2))
	h, err := s.History(ctx, []string{"a", "b"}, at(30), at(60))
	must(t, err)
	equal(t, "a", states(h["a"]), []string{"a2", "a3"})
	equal(t, "b", states(h["b"]), []string{"b0"})
	n, err = s.Prune(ctx, at(30))
	must(t, err)
	equal(t, "pruned again", n, int64(0))
}

// TestPruneAtOpen: Open prunes with Now() - Retention.
func TestPruneAtOpen(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := openT(t, dir)
	for i := range 5 {
		s.Record(StateChange{EntityID: "a", State: strconv.Itoa(i), LastUpdated: at(-10 * i)})
	}
	must(t, s.Close())
	s = openT(t, dir, func(o *Options) { o.Retention = 15 * time.Minute })
	deadline := time.Now().Add(5 * time.Second)
	for {
		h, err := s.History(ctx, []string{"a"}, at(-60), at(0))
		must(t, err)
		if got := states(h["a"]); fmt.Sprint(got) == "[2 1 0]" {
			break // -20 is the state at the cut (-15), then -10 and 0
		} else if time.Now().After(deadline) {
			t.Fatalf("history after the prune at Open: %v", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestQueueFull blocks the writer (by holding the one write connection)
// and checks that Record keeps returning at once, false once the queue is
// full, and that what it accepted is committed once the writer runs again.
func TestQueueFull(t *testing.T) {
	ctx := t.Context()
	var logged countingHandler
	s := openT(t, "", func(o *Options) { o.HistoryQueue = 2; o.Logger = slog.New(&logged) })
	conn, err := s.w.Conn(ctx)
	must(t, err)

	const tries = 1000
	var want []string // accepted, in order
	begin := time.Now()
	for i := range tries {
		if s.Record(StateChange{EntityID: "a", State: strconv.Itoa(i), LastUpdated: at(i)}) {
			want = append(want, strconv.Itoa(i))
		}
	}
	accepted := len(want)
	if d := time.Since(begin); d > time.Second {
		t.Errorf("%d Records took %v: Record blocks", tries, d)
	}
	if accepted > batchMax+2 || accepted == 0 {
		t.Errorf("accepted %d, want 1..%d (a batch and the queue)", accepted, batchMax+2)
	}
	equal(t, "Dropped", s.Dropped(), uint64(tries-accepted))
	equal(t, "warnings", logged.warnings.Load(), int64(1)) // at most one a minute
	if queued, capacity := s.HistoryQueue(); queued > 2 || capacity != 2 {
		t.Errorf("HistoryQueue() = %d, %d while the writer waits; want at most 2 of 2", queued, capacity)
	}

	must(t, conn.Close())
	must(t, s.Flush(ctx))
	if queued, _ := s.HistoryQueue(); queued != 0 {
		t.Errorf("HistoryQueue() = %d after Flush, want 0", queued)
	}
	h, err := s.History(ctx, []string{"a"}, at(-1), at(tries))
	must(t, err)
	equal(t, "committed", states(h["a"]), want)

	must(t, s.Close())
	if s.Record(StateChange{EntityID: "a"}) {
		t.Errorf("Record after Close = true")
	}
	equal(t, "Dropped after Close", s.Dropped(), uint64(tries-accepted+1))
	must(t, s.Flush(ctx))
}

// TestFlushUnderLoad: Flush returns while other goroutines keep recording,
// and covers what was recorded before it.
func TestFlushUnderLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	s := openT(t, "", func(o *Options) { o.HistoryQueue = 256 })
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s.Record(StateChange{EntityID: "noise", State: strconv.Itoa(i), LastUpdated: at(i)})
		}
	}()
	for round := range 3 {
		for i := range 100 {
			for !s.Record(StateChange{EntityID: "mine", State: "x", LastUpdated: at(round*100 + i)}) {
				runtime.Gosched() // the noise filled the queue
			}
		}
		must(t, s.Flush(ctx))
		h, err := s.History(ctx, []string{"mine"}, at(-1), at(10000))
		must(t, err)
		equal(t, "committed", len(h["mine"]), (round+1)*100)
	}
	close(stop)
	<-done
}

// BenchmarkHistoryWrites measures changes per second through the queue to
// committed rows.
func BenchmarkHistoryWrites(b *testing.B) {
	ctx := b.Context()
	s := openT(b, "")
	attrs := []byte(`{"unit_of_measurement":"%","device_class":"battery","friendly_name":"Car Battery level"}`)
	i := 0
	for b.Loop() {
		c := StateChange{EntityID: "sensor.car_battery_level", State: strconv.Itoa(i % 100), Attributes: attrs, LastUpdated: at(i)}
		for !s.Record(c) {
			must(b, s.Flush(ctx)) // full: wait for the writer
		}
		i++
	}
	must(b, s.Flush(ctx))
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "changes/s")
}

// countingHandler counts the warnings logged.
type countingHandler struct{ warnings atomic.Int64 }

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		h.warnings.Add(1)
	}
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }
