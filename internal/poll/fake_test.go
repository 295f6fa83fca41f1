package poll

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// call is one Fetcher call seen by the fake, At counted from the start of
// the test's bubble.
type call struct {
	Endpoint string // "vehicle", "vehicle_data", "live_status", "site_info", "calendar_history"
	ID       string // VIN or site id
	At       time.Duration
	Sections []fleet.Section
	Query    fleet.HistoryQuery
}

// fakeFetcher records calls with their (bubble) time. Each behaviour gets
// the time since start and may be nil (a healthy answer).
type fakeFetcher struct {
	start time.Time

	vehicle     func(vin string, at time.Duration) (*fleet.Vehicle, error)
	vehicleData func(vin string, at time.Duration) (*fleet.VehicleData, error)
	live        func(at time.Duration) (*fleet.LiveStatus, error)
	info        func(at time.Duration) (*fleet.SiteInfo, error)
	history     func(at time.Duration) (*fleet.CalendarHistory, error)

	mu    sync.Mutex
	calls []call
	count int // calls, without recording them (benchmark)
	quiet bool
}

var _ Fetcher = (*fakeFetcher)(nil)

func newFake() *fakeFetcher { return &fakeFetcher{start: time.Now()} }

func (f *fakeFetcher) note(c call) time.Duration {
	at := time.Since(f.start)
	c.At = at
	f.mu.Lock()
	f.count++
	if !f.quiet {
		f.calls = append(f.calls, c)
	}
	f.mu.Unlock()
	return at
}

func (f *fakeFetcher) Vehicle(_ context.Context, vin string) (*fleet.Vehicle, error) {
	at := f.note(call{Endpoint: "vehicle", ID: vin})
	if f.vehicle != nil {
		return f.vehicle(vin, at)
	}
	return vehicleIn(fleet.StateOnline), nil
}

func (f *fakeFetcher) VehicleData(_ context.Context, vin string, sections ...fleet.Section) (*fleet.VehicleData, error) {
	at := f.note(call{Endpoint: "vehicle_data", ID: vin, Sections: sections})
	if f.vehicleData != nil {
		return f.vehicleData(vin, at)
	}
	return idleData(), nil
}

func (f *fakeFetcher) LiveStatus(_ context.Context, siteID int64) (*fleet.LiveStatus, error) {
	at := f.note(call{Endpoint: "live_status", ID: fmt.Sprint(siteID)})
	if f.live != nil {
		return f.live(at)
	}
	return &fleet.LiveStatus{SolarPower: ptr(1000.0)}, nil
}

func (f *fakeFetcher) SiteInfo(_ context.Context, siteID int64) (*fleet.SiteInfo, error) {
	at := f.note(call{Endpoint: "site_info", ID: fmt.Sprint(siteID)})
	if f.info != nil {
		return f.info(at)
	}
	return &fleet.SiteInfo{SiteName: ptr("Home")}, nil
}

func (f *fakeFetcher) CalendarHistory(_ context.Context, siteID int64, q fleet.HistoryQuery) (*fleet.CalendarHistory, error) {
	at := f.note(call{Endpoint: "calendar_history", ID: fmt.Sprint(siteID), Query: q})
	if f.history != nil {
		return f.history(at)
	}
	return &fleet.CalendarHistory{TimeSeries: []*fleet.EnergyInterval{
		{Timestamp: ptr("2026-08-01T00:00:00+10:00"), SolarEnergyExported: ptr(10.0)},
		{Timestamp: ptr("2026-08-01T00:05:00+10:00"), SolarEnergyExported: ptr(5.0)},
	}}, nil
}

// times returns when endpoint was called.
func (f *fakeFetcher) times(endpoint string) []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []time.Duration
	for _, c := range f.calls {
		if c.Endpoint == endpoint {
			out = append(out, c.At)
		}
	}
	return out
}

func (f *fakeFetcher) last(endpoint string) call {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].Endpoint == endpoint {
			return f.calls[i]
		}
	}
	return call{}
}

func ptr[T any](v T) *T { return &v }

func vehicleIn(state string) *fleet.Vehicle {
	v := &fleet.Vehicle{}
	v.State = ptr(state)
	return v
}

// idleData is an online vehicle that is not charging, has no user present
// and sentry mode off.
func idleData() *fleet.VehicleData {
	d := &fleet.VehicleData{
		ChargeState:  &fleet.ChargeState{ChargingState: ptr("Disconnected")},
		VehicleState: &fleet.VehicleState{IsUserPresent: ptr(false), SentryMode: ptr(false)},
	}
	d.State = ptr(fleet.StateOnline)
	return d
}

func chargingData() *fleet.VehicleData {
	d := idleData()
	d.ChargeState.ChargingState = ptr("Charging")
	return d
}

// apiError makes the real client turn an HTTP answer into its error, so
// the tests see the same classes and Retry-After as production.
func apiError(t testing.TB, status int, header http.Header, body string) error {
	t.Helper()
	rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
		h := http.Header{"Content-Type": {"application/json"}}
		for k, v := range header {
			h[k] = v
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}, nil
	})
	c := fleet.New(fleet.Config{
		BaseURLs:   map[fleet.Region]string{fleet.RegionNA: "https://fleet.test"},
		HTTPClient: &http.Client{Transport: rt},
		Retry:      fleet.Retry{Attempts: 1},
	}, fleet.StaticToken("token"))
	_, err := c.LiveStatus(context.Background(), 1)
	if err == nil {
		t.Fatalf("status %d gave no error", status)
	}
	return err
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func rateLimited(t testing.TB, retryAfter string) error {
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return apiError(t, http.StatusTooManyRequests, h, `{"error":"rate limited"}`)
}

// harness runs a scheduler inside the test's bubble and collects its
// snapshots. It must be made inside synctest.Test.
type harness struct {
	f *fakeFetcher
	s *Scheduler

	mu    sync.Mutex
	snaps []Snapshot
}

func newHarness(t *testing.T, f *fakeFetcher) *harness {
	t.Helper()
	h := &harness{f: f}
	h.s = New(Config{Fetcher: f, Sink: h.sink, Workers: 4})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return h
}

func (h *harness) sink(s Snapshot) {
	h.mu.Lock()
	h.snaps = append(h.snaps, s)
	h.mu.Unlock()
}

// snapshots returns the snapshots of kind so far.
func (h *harness) snapshots(k Kind) []Snapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Snapshot
	for _, s := range h.snaps {
		if s.Kind == k {
			out = append(out, s)
		}
	}
	return out
}

// advance moves the bubble's clock by d and lets every refresh due by then
// finish.
func advance(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

// minutes turns minute counts into durations, for expected call times.
func minutes(ms ...float64) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m * float64(time.Minute))
	}
	return out
}

func equalTimes(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
