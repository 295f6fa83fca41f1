package world

import (
	"fmt"
	"time"
)

// WakeUp asks an asleep vehicle to wake: it comes online after the wake
// delay. The answer is the vehicle's list entry with its current state.
func (w *World) WakeUp(accountID, tag string) (map[string]any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	v, err := w.vehicleFor(accountID, tag)
	if err != nil {
		return nil, err
	}
	v.settle(now, w.opts.IdleSleep)
	if v.state == "online" && now.After(v.lastActive) {
		v.lastActive = now // a wake request to an awake car keeps it awake
	}
	if v.state == "asleep" && !v.waking {
		delay := w.opts.WakeDelay
		if delay <= 0 {
			delay = time.Duration(8+w.rng.IntN(13)) * time.Second
		}
		v.waking, v.wakeAt = true, now.Add(delay)
	}
	return v.summaryAt(v.stateAt(now, w.opts.IdleSleep)), nil
}

// SetVehicle changes a vehicle from the simulator's controls.
func (w *World) SetVehicle(vin string, p VehiclePatch) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	v := w.vehicleByVIN(vin)
	if v == nil {
		return fmt.Errorf("%w: vehicle %q", ErrNotFound, vin)
	}
	v.settle(now, w.opts.IdleSleep)
	if p.State != nil {
		switch *p.State {
		case "online":
			v.state, v.waking = "online", false
			v.touch(now)
		case "asleep":
			if v.driving {
				return paramError("a driving vehicle cannot sleep")
			}
			v.state, v.waking = "asleep", false
			v.userPresent, v.climateOn = false, false
		case "offline":
			v.state, v.waking = "offline", false
		default:
			return paramError("state %q is not online, asleep or offline", *p.State)
		}
		v.live = true
	}
	if p.BatteryLevel != nil {
		if *p.BatteryLevel < 0 || *p.BatteryLevel > 100 {
			return paramError("battery_level must be 0–100")
		}
		v.level = *p.BatteryLevel
		v.live = true
	}
	if p.Locked != nil {
		v.locked = *p.Locked
		v.live = true
	}
	if p.SentryMode != nil {
		v.sentry = *p.SentryMode
		if v.sentry && v.state == "asleep" {
			v.wakeNow(now)
		}
		v.live = true
	}
	if p.UserPresent != nil {
		v.userPresent = *p.UserPresent
		if v.userPresent && v.state != "offline" {
			v.wakeNow(now)
		}
		v.live = true
	}
	if p.Driving != nil {
		if *p.Driving {
			v.startDrive(now)
		} else {
			v.endDrive(now)
		}
		if v.state != "offline" {
			v.wakeNow(now)
		}
	}
	if p.Speed != nil {
		if *p.Speed < 0 || *p.Speed > 160 {
			return paramError("speed must be 0–160 mph")
		}
		v.speed = *p.Speed
		v.live = true
	}
	if p.PluggedIn != nil {
		if *p.PluggedIn && v.driving {
			return paramError("a driving vehicle cannot be plugged in")
		}
		v.setPlugged(*p.PluggedIn)
		if v.state != "offline" {
			v.wakeNow(now)
		}
	}
	return nil
}
