package poll

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Pre2021 reports whether the VIN is a Model S or X built before the 2021
// refresh (Home Assistant's rule, §3.3): model-year code "L" (2020) or
// earlier, or "M" (2021) with a legacy motor code 1–4. Those cars get the
// quiet window that lets them fall asleep.
func Pre2021(vin string) bool {
	if len(vin) < 10 {
		return false
	}
	if m := vin[3]; m != 'S' && m != 'X' {
		return false
	}
	year, motor := vin[9], vin[7]
	return year <= 'L' || year == 'M' && motor >= '1' && motor <= '4'
}

// vehicleRefresher is TeslaFleetVehicleDataCoordinator (§3.3).
type vehicleRefresher struct {
	vin     string
	pre2021 bool

	specMu   sync.Mutex
	sections []fleet.Section

	// Guarded by Coordinator.run.
	lastActive time.Time
	quiet      bool // the last online fetch started the 15-minute quiet period
}

func newVehicleRefresher(spec VehicleSpec, now time.Time) *vehicleRefresher {
	v := &vehicleRefresher{vin: spec.VIN, pre2021: Pre2021(spec.VIN), lastActive: now}
	v.setSpec(spec)
	return v
}

func (v *vehicleRefresher) setSpec(spec VehicleSpec) {
	sections := append([]fleet.Section(nil), fleet.HASections...)
	if spec.Location {
		sections = append(sections, fleet.SectionLocationData)
	}
	v.specMu.Lock()
	v.sections = sections
	v.specMu.Unlock()
}

func (v *vehicleRefresher) refresh(ctx context.Context, f Fetcher, now func() time.Time) *outcome {
	o := &outcome{snap: Snapshot{Kind: KindVehicle, VIN: v.vin}}
	defer func() {
		// While asleep or offline, the early return leaves the interval at
		// whatever the last online fetch set (§3.3, "Subtlety").
		if v.quiet {
			o.floor = VehicleWait
		}
	}()

	// 1. The free state check: it does not wake the car.
	veh, err := f.Vehicle(ctx, v.vin)
	if err != nil {
		v.fail(o, err)
		return o
	}
	if veh == nil || veh.State == nil {
		o.snap.Err = fmt.Errorf("vehicle %s: %w: no state", v.vin, ErrInvalidData)
		return o
	}
	o.snap.State = *veh.State
	if o.snap.State != fleet.StateOnline {
		return o
	}

	// 2. vehicle_data, only for an online car.
	v.specMu.Lock()
	sections := v.sections
	v.specMu.Unlock()
	d, err := f.VehicleData(ctx, v.vin, sections...)
	if err != nil {
		v.fail(o, err)
		return o
	}
	if d == nil {
		o.snap.Err = fmt.Errorf("vehicle_data %s: %w: empty", v.vin, ErrInvalidData)
		return o
	}

	// 3. A successful online fetch resets the interval; 5. the pre-2021
	// S/X sleep logic may lengthen it to the quiet period.
	v.quiet = false
	if v.pre2021 && d.Online() {
		t := now()
		if active(d) {
			v.lastActive = t
		} else {
			switch elapsed := t.Sub(v.lastActive); {
			case elapsed > VehicleStuck:
				v.lastActive = t // it did not fall asleep: restart the window
			case elapsed > VehicleWait:
				v.quiet = true // leave it alone for 15 minutes
			}
		}
	}
	o.snap.Data = d
	return o
}

// fail applies the shared error mapping (§3.2) for the vehicle.
func (v *vehicleRefresher) fail(o *outcome, err error) {
	switch {
	case errors.Is(err, fleet.ErrAsleep): // 408: asleep, keep the data
		o.snap.State = fleet.StateAsleep
	case errors.Is(err, fleet.ErrRateLimited): // 429: skip, keep the data
		o.snap.RateLimited = true
		o.retryAfter = fleet.RetryAfter(err)
	default:
		o.snap.Err = err
	}
}

// active is Home Assistant's "not idle": charging, a user present, or
// sentry mode on.
func active(d *fleet.VehicleData) bool {
	if cs := d.ChargeState; cs != nil && cs.ChargingState != nil && *cs.ChargingState == "Charging" {
		return true
	}
	if vs := d.VehicleState; vs != nil {
		if vs.IsUserPresent != nil && *vs.IsUserPresent {
			return true
		}
		if vs.SentryMode != nil && *vs.SentryMode {
			return true
		}
	}
	return false
}
