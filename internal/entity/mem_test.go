package entity

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// BenchmarkRegistryFleet1k sets up 1,000 vehicles as serve does (default
// enabled entities only), refreshes each twice with the two fixtures and
// reports the live heap the registry holds per vehicle.
func BenchmarkRegistryFleet1k(b *testing.B) {
	const n = 1000
	var products fleet.Products
	fixture(b, "products.json", &products.Items)
	var data, alt fleet.VehicleData
	fixture(b, "vehicle_data.json", &data)
	fixture(b, "vehicle_data_alt.json", &alt)
	proto := *products.Vehicles()[0]
	var perVehicle float64
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		now := frozen
		reg := New(Options{Now: func() time.Time { return now }})
		reg.AddAccount(Account{ID: "abc-123", Scopes: allScopes})
		vins := make([]string, n)
		for i := range vins {
			p := proto
			vin := fmt.Sprintf("LRW3F7EK4NC%06d", i)
			name := fmt.Sprintf("Car %d", i)
			p.VIN, p.DisplayName, vins[i] = &vin, &name, vin
			if _, err := reg.AddVehicle("abc-123", &p); err != nil {
				b.Fatal(err)
			}
		}
		for _, d := range []*fleet.VehicleData{&data, &alt} {
			now = now.Add(time.Minute)
			for _, vin := range vins {
				reg.UpdateVehicle(vin, "online", d, nil)
			}
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		perVehicle = float64(after.HeapAlloc-before.HeapAlloc) / n
		if path := os.Getenv("REGISTRY_HEAP_PROFILE"); path != "" {
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
		runtime.KeepAlive(reg)
	}
	b.ReportMetric(perVehicle, "heap-B/vehicle")
}
