package command

import (
	"context"
	"fmt"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Stage is a step of sending a command, reported through Config.Progress.
type Stage string

const (
	StageChecking Stage = "checking" // reading the vehicle's state (free)
	StageWaking   Stage = "waking"   // wake_up sent
	StagePolling  Stage = "polling"  // waiting for the vehicle to come online
	StageOnline   Stage = "online"   // the vehicle is online
	StageSending  Stage = "sending"  // the command is on its way
	StageRetrying Stage = "retrying" // the car was asleep (408): waking, then sending once more
)

// Progress is one step of a command or wake.
type Progress struct {
	VIN     string
	Stage   Stage
	Command string // the command being sent (empty while waking for WakeUp)
	Attempt int    // poll number, for StagePolling
	State   string // the state last read, while waking
	Signed  bool   // StageSending: through the Vehicle Command Protocol
}

// wakeTicket is the number of finished wake attempts when a caller queued:
// a wake that finishes after it serves the caller (see ensureOnline).
func (c *Commander) wakeTicket(v *car) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return v.wakes
}

// ensureOnline makes sure the vehicle is online before a command. Callers
// hold the vehicle's lock, so at most one wake runs per vehicle; a caller
// that queued while a wake ran shares its outcome — success (the state is
// online) or failure (returned without waking again).
func (c *Commander) ensureOnline(ctx context.Context, v *car, ticket uint64) error {
	c.mu.Lock()
	state, fresh := v.state, time.Since(v.stateAt) < c.cfg.OnlineFor
	if state == "online" && fresh {
		c.mu.Unlock()
		return nil
	}
	if v.wakes > ticket && v.wakeErr != nil {
		err := v.wakeErr
		c.mu.Unlock()
		return err
	}
	c.mu.Unlock()

	// An unknown or stale state costs one free read first: no wake for a
	// car that is online already.
	err := c.wake(ctx, v.vin, state == "" || state == "online")

	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		v.state, v.stateAt = "online", time.Now()
	}
	if ctx.Err() == nil {
		// Shared with the callers queued behind this one — unless this
		// caller's own deadline or cancellation cut the wake short.
		v.wakes++
		v.wakeErr = err
	}
	return err
}

// wake wakes the vehicle and polls its state with the configured backoff,
// as Home Assistant does: wake_up, then GET /vehicles/{vin} after 5, 10 and
// 15 s. It gives up with fleet.ErrWakeTimeout and never sends wake_up twice.
func (c *Commander) wake(ctx context.Context, vin string, check bool) error {
	if check {
		c.progress(Progress{VIN: vin, Stage: StageChecking})
		if veh, err := c.fleet.Vehicle(ctx, vin); err == nil && vehicleState(veh) == "online" {
			c.progress(Progress{VIN: vin, Stage: StageOnline, State: "online"})
			return nil
		}
		// A failed check is not fatal: wake_up reports its own errors.
	}
	c.progress(Progress{VIN: vin, Stage: StageWaking})
	veh, err := c.fleet.WakeUp(ctx, vin)
	if err != nil {
		return c.wakeError(vin, err)
	}
	state := vehicleState(veh)
	var waited time.Duration
	for i, d := range c.cfg.WakeBackoff {
		if state == "online" {
			break
		}
		c.progress(Progress{VIN: vin, Stage: StagePolling, Attempt: i + 1, State: state})
		if err := sleep(ctx, d); err != nil {
			return &Error{Op: "wake_up", VIN: vin, Class: fleet.ErrWakeTimeout,
				Err: fmt.Errorf("still %s when the deadline came: %w", state, err)}
		}
		waited += d
		veh, err := c.fleet.Vehicle(ctx, vin)
		if err != nil {
			return c.wakeError(vin, err)
		}
		state = vehicleState(veh)
	}
	if state != "online" {
		return &Error{Op: "wake_up", VIN: vin, Class: fleet.ErrWakeTimeout,
			Err: fmt.Errorf("still %s %s after wake_up", state, waited)}
	}
	c.progress(Progress{VIN: vin, Stage: StageOnline, State: state})
	return nil
}

// wakeError classifies a failed wake_up or poll: fleet.ErrWakeFailed, with the
// cause's own class (rate limited, missing scope …) reachable too.
func (c *Commander) wakeError(vin string, err error) error {
	return &Error{Op: "wake_up", VIN: vin, Class: fleet.ErrWakeFailed, Err: c.classify("wake_up", vin, err, false),
		RetryAfter: fleet.RetryAfter(err)}
}

func vehicleState(v *fleet.Vehicle) string {
	if v == nil || v.State == nil {
		return ""
	}
	return *v.State
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
