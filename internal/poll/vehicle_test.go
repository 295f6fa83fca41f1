package poll

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

const (
	vinModel3  = "5YJ3E1EA7KF000001" // Model 3: never the quiet window
	vinOldS    = "5YJSA1E26FF000002" // Model S 2015
	vinOldX21  = "5YJXCAE47MF000003" // Model X 2021, legacy motor code 4
	vinNewS21  = "5YJSA1E57MF000004" // Model S 2021, new motor code 5
	vinNewX    = "7SAXCBE69NF000005" // Model X 2022
	vinShortSX = "5YJS"
)

func TestPre2021(t *testing.T) {
	for _, tc := range []struct {
		vin  string
		want bool
	}{
		{vinModel3, false},
		{vinOldS, true},
		{vinOldX21, true},
		{vinNewS21, false},
		{vinNewX, false},
		{vinShortSX, false},
		{"5YJSA1E2XAF000006", true}, // 2010
		{"5YJSA1E219F000007", true}, // model year digit: 2009 cycle, ASCII below "L"
	} {
		t.Run(tc.vin, func(t *testing.T) {
			if got := Pre2021(tc.vin); got != tc.want {
				t.Errorf("Pre2021(%q) = %v, want %v", tc.vin, got, tc.want)
			}
		})
	}
}

// An online vehicle costs one free check plus one vehicle_data every
// 10 minutes, counted from the end of the last refresh; the sections are
// Home Assistant's, location only with the vehicle_location scope.
func TestVehicleCadence(t *testing.T) {
	for _, tc := range []struct {
		name     string
		location bool
		want     []fleet.Section
	}{
		{"without vehicle_location", false, fleet.HASections},
		{"with vehicle_location", true, append(slices.Clone(fleet.HASections), fleet.SectionLocationData)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, newFake())
				h.s.AddVehicle(VehicleSpec{VIN: vinModel3, Location: tc.location})
				advance(65 * time.Minute)
				want := minutes(10, 20, 30, 40, 50, 60)
				if got := h.f.times("vehicle"); !equalTimes(got, want) {
					t.Errorf("free checks at %v, want %v", got, want)
				}
				if got := h.f.times("vehicle_data"); !equalTimes(got, want) {
					t.Errorf("vehicle_data at %v, want %v", got, want)
				}
				if got := h.f.last("vehicle_data").Sections; !slices.Equal(got, tc.want) {
					t.Errorf("sections %v, want %v", got, tc.want)
				}
				snaps := h.snapshots(KindVehicle)
				if len(snaps) != 6 {
					t.Fatalf("%d snapshots, want 6", len(snaps))
				}
				s := snaps[0]
				if s.VIN != vinModel3 || s.State != "online" || s.Data == nil || s.Err != nil || s.At.Sub(h.f.start) != 10*time.Minute {
					t.Errorf("first snapshot %+v", s)
				}
				if s.Next.Sub(h.f.start) != 20*time.Minute {
					t.Errorf("Next = %v after start, want 20m", s.Next.Sub(h.f.start))
				}
			})
		})
	}
}

// An asleep or offline vehicle costs the free check only: vehicle_data is
// never requested, and snapshots carry the state without data. A 408 from
// vehicle_data means asleep, without error.
func TestVehicleAsleep(t *testing.T) {
	for _, tc := range []struct {
		name        string
		state       string
		dataErr     bool
		wantData    []time.Duration
		wantState   string
		wantFree    []time.Duration
		description string
	}{
		{name: "asleep", state: "asleep", wantState: "asleep", wantFree: minutes(10, 20, 30)},
		{name: "offline", state: "offline", wantState: "offline", wantFree: minutes(10, 20, 30)},
		{name: "408 from vehicle_data", state: "online", dataErr: true, wantState: "asleep",
			wantFree: minutes(10, 20, 30), wantData: minutes(10, 20, 30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				f.vehicle = func(string, time.Duration) (*fleet.Vehicle, error) { return vehicleIn(tc.state), nil }
				offline := apiError(t, http.StatusRequestTimeout, nil, `{"error":"vehicle unavailable: vehicle is offline or asleep"}`)
				if tc.dataErr {
					f.vehicleData = func(string, time.Duration) (*fleet.VehicleData, error) { return nil, offline }
				}
				h := newHarness(t, f)
				h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
				advance(35 * time.Minute)
				if got := f.times("vehicle"); !equalTimes(got, tc.wantFree) {
					t.Errorf("free checks at %v, want %v", got, tc.wantFree)
				}
				if got := f.times("vehicle_data"); !equalTimes(got, tc.wantData) {
					t.Errorf("vehicle_data at %v, want %v", got, tc.wantData)
				}
				for _, s := range h.snapshots(KindVehicle) {
					if s.State != tc.wantState || s.Data != nil || s.Err != nil || s.RateLimited {
						t.Errorf("snapshot %+v, want state %q, no data, no error", s, tc.wantState)
					}
				}
			})
		})
	}
}

// The pre-2021 Model S/X rule (§3.3): after more than 15 minutes idle the
// next poll waits 15 minutes; after more than 20 minutes the window
// restarts. Activity (charging, user present, sentry) keeps 10 minutes.
func TestVehiclePre2021QuietWindow(t *testing.T) {
	for _, tc := range []struct {
		name string
		vin  string
		data func() *fleet.VehicleData
		want []time.Duration
	}{
		// 10: idle 10 → 600 s. 20: idle 20 = 1200 s, not > 1200 but > 900
		// → quiet, next at 35. 35: idle 35 > 20 → restart window at 35,
		// 10 min. 45: idle 10. 55: idle 20 → quiet → 70. 70: restart → 80.
		{"pre-2021 S idle", vinOldS, idleData, minutes(10, 20, 35, 45, 55, 70, 80, 90)},
		{"2021 X with legacy motor idle", vinOldX21, idleData, minutes(10, 20, 35, 45, 55, 70, 80, 90)},
		{"pre-2021 S charging", vinOldS, chargingData, minutes(10, 20, 30, 40, 50, 60, 70, 80, 90)},
		{"pre-2021 S with user present", vinOldS, func() *fleet.VehicleData {
			d := idleData()
			d.VehicleState.IsUserPresent = ptr(true)
			return d
		}, minutes(10, 20, 30, 40, 50, 60, 70, 80, 90)},
		{"pre-2021 S in sentry mode", vinOldS, func() *fleet.VehicleData {
			d := idleData()
			d.VehicleState.SentryMode = ptr(true)
			return d
		}, minutes(10, 20, 30, 40, 50, 60, 70, 80, 90)},
		{"2021 S with new motor idle", vinNewS21, idleData, minutes(10, 20, 30, 40, 50, 60, 70, 80, 90)},
		{"Model 3 idle", vinModel3, idleData, minutes(10, 20, 30, 40, 50, 60, 70, 80, 90)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				f.vehicleData = func(string, time.Duration) (*fleet.VehicleData, error) { return tc.data(), nil }
				h := newHarness(t, f)
				h.s.AddVehicle(VehicleSpec{VIN: tc.vin})
				advance(95 * time.Minute)
				if got := f.times("vehicle_data"); !equalTimes(got, tc.want) {
					t.Errorf("vehicle_data at %v, want %v", got, tc.want)
				}
			})
		})
	}
}

// While the car reports asleep, the quiet interval set by the last online
// fetch stays (§3.3, "Subtlety").
func TestVehicleQuietIntervalKeptWhileAsleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.vehicle = func(_ string, at time.Duration) (*fleet.Vehicle, error) {
			if at > 20*time.Minute {
				return vehicleIn("asleep"), nil
			}
			return vehicleIn("online"), nil
		}
		h := newHarness(t, f)
		h.s.AddVehicle(VehicleSpec{VIN: vinOldS})
		advance(70 * time.Minute)
		if got, want := f.times("vehicle"), minutes(10, 20, 35, 50, 65); !equalTimes(got, want) {
			t.Errorf("free checks at %v, want %v", got, want)
		}
	})
}

// A 429 skips the refresh without error (entities stay available) and
// holds the next automatic refresh back until Retry-After, for one cycle.
func TestVehicleRateLimited(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter string
		where      string // "vehicle" or "vehicle_data"
		wantFree   []time.Duration
		wantState  string
	}{
		{"free check, Retry-After 30 min", "1800", "vehicle", minutes(10, 40, 50, 60), ""},
		{"vehicle_data, Retry-After 30 min", "1800", "vehicle_data", minutes(10, 40, 50, 60), "online"},
		{"Retry-After shorter than the interval", "30", "vehicle", minutes(10, 20, 30, 40, 50, 60), ""},
		{"no Retry-After: skip", "", "vehicle", minutes(10, 20, 30, 40, 50, 60), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				limited := rateLimited(t, tc.retryAfter)
				first := func(at time.Duration) bool { return at == 10*time.Minute }
				if tc.where == "vehicle" {
					f.vehicle = func(_ string, at time.Duration) (*fleet.Vehicle, error) {
						if first(at) {
							return nil, limited
						}
						return vehicleIn("online"), nil
					}
				} else {
					f.vehicleData = func(_ string, at time.Duration) (*fleet.VehicleData, error) {
						if first(at) {
							return nil, limited
						}
						return idleData(), nil
					}
				}
				h := newHarness(t, f)
				h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
				advance(65 * time.Minute)
				if got := f.times("vehicle"); !equalTimes(got, tc.wantFree) {
					t.Errorf("free checks at %v, want %v", got, tc.wantFree)
				}
				s := h.snapshots(KindVehicle)[0]
				if !s.RateLimited || s.Err != nil || s.Data != nil || s.State != tc.wantState {
					t.Errorf("rate-limited snapshot %+v", s)
				}
				if s.Next.Sub(f.start) != tc.wantFree[1] {
					t.Errorf("Next %v, want %v", s.Next.Sub(f.start), tc.wantFree[1])
				}
			})
		})
	}
}

// Login required (or any failure) gives Err snapshots on the normal
// cadence: one call per interval, no hot retry; the coordinator recovers by
// itself on its next tick.
func TestVehicleErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		class  error
	}{
		{"login required", http.StatusUnauthorized, `{"error":"login_required"}`, fleet.ErrLoginRequired},
		{"token expired", http.StatusUnauthorized, `{"error":"token expired (401)"}`, fleet.ErrTokenExpired},
		{"server error", http.StatusInternalServerError, `{"error":"upstream internal error"}`, fleet.ErrServer},
		{"missing scope", http.StatusForbidden, `{"error":"Unauthorized missing scopes"}`, fleet.ErrMissingScope},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				failure := apiError(t, tc.status, nil, tc.body)
				f.vehicle = func(_ string, at time.Duration) (*fleet.Vehicle, error) {
					if at <= 30*time.Minute {
						return nil, failure
					}
					return vehicleIn("online"), nil
				}
				h := newHarness(t, f)
				h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
				advance(45 * time.Minute)
				if got, want := f.times("vehicle"), minutes(10, 20, 30, 40); !equalTimes(got, want) {
					t.Errorf("free checks at %v, want %v (no hot retry)", got, want)
				}
				snaps := h.snapshots(KindVehicle)
				if len(snaps) != 4 {
					t.Fatalf("%d snapshots, want 4", len(snaps))
				}
				for _, s := range snaps[:3] {
					if !errors.Is(s.Err, tc.class) || s.Data != nil || s.State != "" {
						t.Errorf("failed snapshot %+v, want Err of class %v", s, tc.class)
					}
				}
				if s := snaps[3]; s.Err != nil || s.Data == nil {
					t.Errorf("no recovery: %+v", s)
				}
			})
		})
	}
}

func TestVehicleRefreshIsImmediate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, newFake())
		c := h.s.AddVehicle(VehicleSpec{VIN: vinModel3})
		advance(3 * time.Minute)
		s := c.Refresh(t.Context())
		if s.Data == nil || s.At.Sub(h.f.start) != 3*time.Minute {
			t.Fatalf("Refresh gave %+v", s)
		}
		if got := len(h.snapshots(KindVehicle)); got != 1 {
			t.Errorf("sink got %d snapshots, want 1", got)
		}
		advance(30 * time.Minute)
		if got, want := h.f.times("vehicle"), minutes(3, 13, 23, 33); !equalTimes(got, want) {
			t.Errorf("free checks at %v, want %v", got, want)
		}
	})
}
