package app

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim"
)

// BenchmarkPollFleet10k runs the whole read path — coordinators, Fleet API
// client, simulated cloud, entity registry — for 10,000 generated vehicles
// (sim --fleet-size) on the integration's own cadence, for one simulated
// hour in a synctest bubble. One op is one simulated hour after setup. It
// reports the process CPU time per simulated hour, the live heap with
// every entity in place, and the Fleet API data requests billed.
func BenchmarkPollFleet10k(b *testing.B) {
	const fleetSize = 10_000
	var cpu time.Duration
	var heap uint64
	var data, entities int
	for b.Loop() {
		var failure error
		// synctest.Test wants a *testing.T, which a benchmark has not: a
		// zero T carries the bubble, and failures come back in failure.
		synctest.Test(&testing.T{}, func(*testing.T) {
			s := newSimAppWith(b, sim.Options{Seed: 1, Speed: 1, FleetSize: fleetSize}, allScopes, nil)
			entities = len(s.Registry().Entities())
			billedBefore := s.billed()["data"]
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			start := cpuTime()
			go func() { done <- s.Poll(ctx) }()
			time.Sleep(time.Hour)
			synctest.Wait()
			cpu += cpuTime() - start
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap = ms.HeapAlloc
			cancel()
			failure = <-done
			data = s.billed()["data"] - billedBefore
			if data == 0 {
				failure = fmt.Errorf("no vehicle_data in a simulated hour")
			}
		})
		if failure != nil {
			b.Fatal(failure)
		}
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/sim-hour")
	b.ReportMetric(float64(heap), "heap-B")
	b.ReportMetric(float64(data), "data-requests/sim-hour")
	b.ReportMetric(float64(entities), "entities")
}

// cpuTime is the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
