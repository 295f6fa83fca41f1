package mqtt

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/testfixture"
)

// benchFleet is a registry holding vehicles fixture cars and sites
// fixture energy sites, every entity enabled.
func benchFleet(b *testing.B, vehicles, sites int) *entity.Registry {
	reg := entity.New(entity.Options{AllEnabled: true})
	testfixture.Fleet(b, reg, nil, vehicles, sites)
	return reg
}

// runExporter runs an exporter of reg on c until the benchmark ends and
// waits until its first publishing is done.
func runExporter(b *testing.B, reg *entity.Registry, c Client) *Exporter {
	x, err := New(Options{Registry: reg, Client: c})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = x.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	waitDrained(b, x, 0)
	return x
}

// waitDrained waits until the exporter is connected, its backlog is empty
// and the broker took more than published messages.
func waitDrained(b *testing.B, x *Exporter, published uint64) uint64 {
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := x.Stats()
		if s.Connected && s.Backlog == 0 && s.Published > published {
			return s.Published
		}
		if time.Now().After(deadline) {
			b.Fatalf("the exporter did not drain: %+v", s)
		}
		runtime.Gosched()
	}
}

// Publishing the whole fleet after a reconnect (what up does: every
// discovery config, state, attributes and availability) to the embedded
// broker on loopback, QoS 1; reported in messages per second.
func BenchmarkRepublishFleet(b *testing.B) {
	for _, size := range []struct {
		name            string
		vehicles, sites int
	}{{"10cars", 10, 1}, {"100cars", 100, 10}} {
		b.Run(size.name, func(b *testing.B) {
			reg := benchFleet(b, size.vehicles, size.sites)
			broker, err := StartBroker(context.Background(), BrokerOptions{Listen: "127.0.0.1:0"})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = broker.Close() })
			c, err := Dial(DialOptions{URL: broker.URL(), ClientID: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			x := runExporter(b, reg, c)
			published := x.Stats().Published
			start := published
			b.ResetTimer()
			for b.Loop() {
				x.republish()
				x.signal()
				published = waitDrained(b, x, published)
			}
			msgs := float64(published - start)
			b.ReportMetric(msgs/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(msgs/float64(b.N), "msgs/op")
		})
	}
}

// countClient is an always connected Client that counts what it publishes.
type countClient struct {
	up        func()
	published atomic.Uint64
}

func (c *countClient) Start(_ context.Context, up func(), _ func(error)) error {
	c.up = up
	go up()
	return nil
}
func (c *countClient) Publish(context.Context, string, []byte, bool) error {
	c.published.Add(1)
	return nil
}
func (c *countClient) Subscribe(context.Context, string, func(string, []byte)) error { return nil }
func (c *countClient) Unsubscribe(context.Context, string) error                     { return nil }
func (c *countClient) Stop()                                                         {}

// The exporter's cost per state change: one vehicle's battery level
// changes in the registry, the change stream delivers it, and the exporter
// publishes its state and attributes (to a client that only counts, so
// the broker's cost is apart). ns/op and allocs/op are per change.
func BenchmarkExporterPerChange(b *testing.B) {
	reg := benchFleet(b, 10, 1)
	c := &countClient{}
	x := runExporter(b, reg, c)
	var data fleet.VehicleData
	testfixture.Response(b, "vehicle_data.json", &data)
	vin := reg.Devices()[0].ID
	for _, d := range reg.Devices() {
		if len(d.ID) == 17 {
			vin = d.ID
			break
		}
	}
	level := 0.0
	published := x.Stats().Published
	start := published
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		level = float64(int(level+1) % 100)
		data.ChargeState.BatteryLevel = &level
		reg.UpdateVehicle(vin, "online", &data, nil)
		published = waitDrained(b, x, published)
	}
	b.ReportMetric(float64(published-start)/float64(b.N), "msgs/op")
}

// The exporter's own share of a change: the state and attributes queued
// (with the discovery configs compared) and taken for publishing, without
// the registry and the stream.
func BenchmarkExporterChangeOnly(b *testing.B) {
	reg := benchFleet(b, 1, 0)
	x, err := New(Options{Registry: reg, Client: &countClient{}})
	if err != nil {
		b.Fatal(err)
	}
	x.republish()
	for _, ok := x.q.take(); ok; _, ok = x.q.take() {
	}
	st, _ := reg.State("sensor.test_battery_level")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		st.State = strconv.Itoa(i % 100)
		x.change(entity.Change{New: &st})
		for _, ok := x.q.take(); ok; _, ok = x.q.take() {
		}
	}
}
