package poll

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

func seconds(ss ...int) []time.Duration {
	out := make([]time.Duration, len(ss))
	for i, s := range ss {
		out[i] = time.Duration(s) * time.Second
	}
	return out
}

// Live status and site info every 60 s; energy history every 5 min, and
// only while listening (an energy history entity is enabled), starting one
// interval after listening starts (§3.4–3.6).
func TestEnergyCadence(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, newFake())
		_, _, hist := h.s.AddSite(42)
		advance(5*time.Minute + 30*time.Second)
		if got, want := h.f.times("live_status"), seconds(60, 120, 180, 240, 300); !equalTimes(got, want) {
			t.Errorf("live_status at %v, want %v", got, want)
		}
		if got, want := h.f.times("site_info"), seconds(60, 120, 180, 240, 300); !equalTimes(got, want) {
			t.Errorf("site_info at %v, want %v", got, want)
		}
		if got := h.f.times("calendar_history"); len(got) != 0 {
			t.Errorf("calendar_history at %v while nothing listens", got)
		}

		hist.SetListening(true) // at 5:30
		advance(11 * time.Minute)
		if got, want := h.f.times("calendar_history"), seconds(630, 930); !equalTimes(got, want) {
			t.Errorf("calendar_history at %v, want %v", got, want)
		}
		if q := h.f.last("calendar_history").Query; q != (fleet.HistoryQuery{Kind: "energy", Period: "day"}) {
			t.Errorf("history query %+v, want kind=energy period=day only", q)
		}
		hist.SetListening(false)
		advance(time.Hour)
		if got := h.f.times("calendar_history"); len(got) != 2 {
			t.Errorf("calendar_history at %v after listening stopped", got)
		}

		snaps := h.snapshots(KindEnergyHistory)
		if len(snaps) != 2 || snaps[0].SiteID != 42 || snaps[0].History == nil || snaps[0].History.Fields["solar_energy_exported"] != 15 {
			t.Fatalf("history snapshots %+v", snaps)
		}
		live := h.snapshots(KindEnergyLive)[0]
		if live.SiteID != 42 || live.Live == nil || *live.Live.SolarPower != 1000 {
			t.Errorf("live snapshot %+v", live)
		}
		info := h.snapshots(KindEnergyInfo)[0]
		if info.Info == nil || *info.Info.SiteName != "Home" {
			t.Errorf("info snapshot %+v", info)
		}
	})
}

// A 429 with Retry-After holds the next refresh back for one cycle; then
// the normal interval returns, for history too (Home Assistant's baseline
// kept the backed-off history interval, a quirk fixed here).
func TestEnergyRateLimited(t *testing.T) {
	for _, tc := range []struct {
		name       string
		kind       Kind
		retryAfter string
		want       []time.Duration
	}{
		{"live, Retry-After 5 min", KindEnergyLive, "300", seconds(60, 360, 420, 480)},
		{"live, Retry-After shorter than 60 s", KindEnergyLive, "30", seconds(60, 120, 180, 240, 300, 360, 420, 480)},
		{"live, no Retry-After", KindEnergyLive, "", seconds(60, 120, 180, 240, 300, 360, 420, 480)},
		{"info, Retry-After 5 min", KindEnergyInfo, "300", seconds(60, 360, 420, 480)},
		{"history, Retry-After 15 min", KindEnergyHistory, "900", seconds(300, 1200, 1500, 1800)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				limited := rateLimited(t, tc.retryAfter)
				var endpoint string
				var until time.Duration
				switch tc.kind {
				case KindEnergyLive:
					endpoint, until = "live_status", 500*time.Second
					f.live = func(at time.Duration) (*fleet.LiveStatus, error) {
						if at == 60*time.Second {
							return nil, limited
						}
						return &fleet.LiveStatus{}, nil
					}
				case KindEnergyInfo:
					endpoint, until = "site_info", 500*time.Second
					f.info = func(at time.Duration) (*fleet.SiteInfo, error) {
						if at == 60*time.Second {
							return nil, limited
						}
						return &fleet.SiteInfo{}, nil
					}
				case KindEnergyHistory:
					endpoint, until = "calendar_history", 1900*time.Second
					f.history = func(at time.Duration) (*fleet.CalendarHistory, error) {
						if at == 300*time.Second {
							return nil, limited
						}
						return &fleet.CalendarHistory{TimeSeries: []*fleet.EnergyInterval{{Timestamp: ptr("2026-08-01T00:00:00Z")}}}, nil
					}
				}
				h := newHarness(t, f)
				_, _, hist := h.s.AddSite(42)
				hist.SetListening(true)
				advance(until)
				if got := f.times(endpoint); !equalTimes(got, tc.want) {
					t.Errorf("%s at %v, want %v", endpoint, got, tc.want)
				}
				s := h.snapshots(tc.kind)[0]
				if !s.RateLimited || s.Err != nil || s.Live != nil || s.Info != nil || s.History != nil {
					t.Errorf("rate-limited snapshot %+v", s)
				}
			})
		})
	}
}

// Failures give Err snapshots on the normal cadence and recover by
// themselves; a history without usable samples is ErrInvalidData.
func TestEnergyErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		login := apiError(t, 401, nil, `{"error":"login_required"}`)
		f.live = func(at time.Duration) (*fleet.LiveStatus, error) {
			if at <= 120*time.Second {
				return nil, login
			}
			return &fleet.LiveStatus{}, nil
		}
		f.history = func(time.Duration) (*fleet.CalendarHistory, error) {
			return &fleet.CalendarHistory{TimeSeries: []*fleet.EnergyInterval{}}, nil
		}
		h := newHarness(t, f)
		_, _, hist := h.s.AddSite(42)
		hist.SetListening(true)
		advance(5*time.Minute + time.Second)
		if got, want := f.times("live_status"), seconds(60, 120, 180, 240, 300); !equalTimes(got, want) {
			t.Errorf("live_status at %v, want %v", got, want)
		}
		live := h.snapshots(KindEnergyLive)
		if !errors.Is(live[0].Err, fleet.ErrLoginRequired) || !errors.Is(live[1].Err, fleet.ErrLoginRequired) || live[2].Err != nil {
			t.Errorf("live errors %v, %v, %v", live[0].Err, live[1].Err, live[2].Err)
		}
		if hs := h.snapshots(KindEnergyHistory); len(hs) != 1 || !errors.Is(hs[0].Err, ErrInvalidData) {
			t.Errorf("history snapshots %+v, want one ErrInvalidData", hs)
		}
	})
}

// Home Assistant's fixture: battery_energy_exported = 10030 + 20030 Wh;
// fields never reported are 0; the first timestamp is the period start.
func TestSumHistoryFixture(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ha", "energy_history.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Response fleet.CalendarHistory }
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	got, err := SumHistory(&env.Response)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Fields) != len(fleet.EnergyHistoryFields) {
		t.Errorf("%d fields, want %d", len(got.Fields), len(fleet.EnergyHistoryFields))
	}
	for name, want := range map[string]float64{"battery_energy_exported": 30060, "total_home_usage": 0} {
		if got.Fields[name] != want {
			t.Errorf("%s = %v, want %v", name, got.Fields[name], want)
		}
	}
	if want := time.Date(2023, 6, 1, 8, 0, 0, 0, time.UTC); !got.PeriodStart.Equal(want) {
		t.Errorf("PeriodStart %v, want %v", got.PeriodStart, want)
	}
}

func TestSumHistoryInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    *fleet.CalendarHistory
	}{
		{"nil", nil},
		{"no time_series", &fleet.CalendarHistory{}},
		{"nil first sample", &fleet.CalendarHistory{TimeSeries: []*fleet.EnergyInterval{nil}}},
		{"no timestamp", &fleet.CalendarHistory{TimeSeries: []*fleet.EnergyInterval{{}}}},
		{"bad timestamp", &fleet.CalendarHistory{TimeSeries: []*fleet.EnergyInterval{{Timestamp: ptr("yesterday")}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := SumHistory(tc.h); !errors.Is(err, ErrInvalidData) {
				t.Errorf("SumHistory = %v, want ErrInvalidData", err)
			}
		})
	}
}
