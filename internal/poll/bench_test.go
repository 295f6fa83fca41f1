package poll

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

// BenchmarkScheduler10k polls 10,000 online vehicles for one simulated hour
// (60,000 refreshes, 120,000 Fleet calls to a fake) in a synctest bubble.
// One op is one simulated hour. It reports the process CPU time per
// simulated hour and the live heap with every coordinator armed.
func BenchmarkScheduler10k(b *testing.B) {
	const vehicles = 10_000
	var cpu time.Duration
	var heap uint64
	var refreshes, calls int64
	b.ReportAllocs()
	for b.Loop() {
		before := cpuTime()
		var failure error
		// synctest.Test wants a *testing.T, which a benchmark has not: a
		// zero T carries the bubble, and failures come back in failure.
		synctest.Test(&testing.T{}, func(*testing.T) {
			f := newFake()
			f.quiet = true
			var n atomic.Int64
			s := New(Config{Fetcher: f, Sink: func(Snapshot) { n.Add(1) }})
			for i := range vehicles {
				s.AddVehicle(VehicleSpec{VIN: fmt.Sprintf("5YJ3E1EA7KF%06d", i)})
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx) }()
			time.Sleep(time.Hour)
			synctest.Wait()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap = ms.HeapAlloc
			cancel()
			if err := <-done; err != nil {
				failure = err
			}
			refreshes, calls = n.Load(), int64(f.count)
			if want := int64(6 * vehicles); refreshes != want {
				failure = fmt.Errorf("%d refreshes in a simulated hour, want %d", refreshes, want)
			}
		})
		if failure != nil {
			b.Fatal(failure)
		}
		cpu += cpuTime() - before
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/sim-hour")
	b.ReportMetric(float64(heap), "heap-B")
	b.ReportMetric(float64(refreshes), "refreshes/sim-hour")
	b.ReportMetric(float64(calls), "calls/sim-hour")
}

// cpuTime is the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
