package world

import (
	"errors"
	"testing"
)

// Two new schedules added within the same simulated second (the manual
// clock does not move between commands) are two schedules, with distinct ids.
func TestAddScheduleTwiceInOneSecondKeepsBoth(t *testing.T) {
	for _, tc := range []struct{ cmd, section, list string }{
		{"add_charge_schedule", "charge_schedule_data", "charge_schedules"},
		{"add_precondition_schedule", "preconditioning_schedule_data", "precondition_schedules"},
	} {
		w, acct := demo(t, 1)
		before := len(mustData(t, w, acct, DemoModel3, DataQuery{Endpoints: []string{tc.section}})[tc.section].(map[string]any)[tc.list].([]any))
		for i := 0; i < 2; i++ {
			p := map[string]any{"days_of_week": "All", "enabled": true, "lat": 34.0, "lon": -118.0,
				"start_enabled": true, "start_time": float64(60 * i), "precondition_time": float64(60 * i)}
			if r, err := w.Command(DemoModel3, tc.cmd, p); err != nil || !r.Result {
				t.Fatalf("%s #%d = %+v, %v", tc.cmd, i, r, err)
			}
		}
		list := mustData(t, w, acct, DemoModel3, DataQuery{Endpoints: []string{tc.section}})[tc.section].(map[string]any)[tc.list].([]any)
		if len(list) != before+2 {
			t.Fatalf("%s: %d schedules after two adds, want %d: %v", tc.cmd, len(list), before+2, list)
		}
		ids := map[float64]bool{}
		for _, e := range list {
			ids[num(e.(map[string]any), "id", -1)] = true
		}
		if len(ids) != len(list) {
			t.Errorf("%s: duplicate ids in %v", tc.cmd, list)
		}
	}
}

// An offset_sec too large for a duration must not wrap around into an
// install that starts at once.
func TestScheduleSoftwareUpdateHugeOffset(t *testing.T) {
	w, acct := demo(t, 1)
	for _, off := range []float64{1e20, -1, 1 << 40} {
		_, err := w.Command(DemoModelS, "schedule_software_update", map[string]any{"offset_sec": off})
		if !errors.Is(err, ErrInvalidParam) {
			t.Errorf("offset_sec %g: err = %v, want ErrInvalidParam", off, err)
		}
	}
	su := sec(t, sec(t, mustData(t, w, acct, DemoModelS, DataQuery{Endpoints: []string{"vehicle_state"}}), "vehicle_state"), "software_update")
	if su["status"] == "scheduled" || su["status"] == "installing" {
		t.Errorf("software_update after refused offsets = %v", su)
	}
}

// time_zone "Local" would be the host's zone (Go's LoadLocation): answers
// would differ between machines, so it is refused like any unknown zone.
func TestCalendarHistoryRefusesHostZone(t *testing.T) {
	w, acct := demo(t, 1)
	_, err := w.CalendarHistory(acct, DemoSiteID, HistoryQuery{Kind: "energy", Period: "day", TimeZone: "Local"})
	if !errors.Is(err, ErrInvalidParam) {
		t.Errorf("time_zone Local: err = %v, want ErrInvalidParam", err)
	}
}
