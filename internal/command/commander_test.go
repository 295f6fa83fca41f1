package command

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

const (
	vinA = "5YJ3E1EA0PF000001"
	vinB = "5YJ3E1EA0PF000002"
)

// waitFor fails the test if ch does not deliver within a generous bound
// (a hang guard, not a timing assertion).
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestSerialisesPerVehicleParallelAcrossVehicles(t *testing.T) {
	f := newFake(t)
	f.add(t, vinA, "online", SigningOff, false, nil)
	f.add(t, vinB, "online", SigningOff, false, nil)

	var mu sync.Mutex
	inside := map[string]int{}
	maxInside := map[string]int{}
	entered := make(chan string, 16)
	release := make(chan struct{})
	f.command = func(vin, name string, body any) (*fleet.CommandResult, error) {
		mu.Lock()
		inside[vin]++
		maxInside[vin] = max(maxInside[vin], inside[vin])
		mu.Unlock()
		entered <- vin
		<-release
		mu.Lock()
		inside[vin]--
		mu.Unlock()
		return &fleet.CommandResult{Result: true}, nil
	}
	c := newCommander(t, fastConfig(f, nil))
	c.MarkState(vinA, "online")
	c.MarkState(vinB, "online")

	ctx := context.Background()
	errs := make(chan error, 4)
	for _, vin := range []string{vinA, vinA, vinA, vinB} {
		go func() { errs <- c.Send(ctx, vin, Honk()) }()
	}
	// One command per VIN gets in while the others of A wait: both VINs
	// run at the same time.
	got := map[string]bool{waitFor(t, entered, "first command"): true, waitFor(t, entered, "second command"): true}
	if !got[vinA] || !got[vinB] {
		t.Fatalf("commands inside at once = %v, want one per VIN", got)
	}
	close(release)
	for range 2 {
		waitFor(t, entered, "queued command")
	}
	for range 4 {
		if err := waitFor(t, errs, "result"); err != nil {
			t.Fatal(err)
		}
	}
	if maxInside[vinA] != 1 || maxInside[vinB] != 1 {
		t.Fatalf("max concurrent commands per VIN = %v, want 1", maxInside)
	}
}

func TestBurstToSleepingCarWakesOnce(t *testing.T) {
	f := newFake(t)
	car := f.add(t, vinA, "asleep", SigningOff, false, nil)
	car.onlineAfter = 2 // online at the second poll
	c := newCommander(t, fastConfig(f, nil))
	c.MarkState(vinA, "asleep")

	// Hold the first wake until all five callers are queued behind it.
	queued := make(chan string, 5)
	c.onQueued = func(vin string) { queued <- vin }
	var stages []Stage
	var mu sync.Mutex
	c.cfg.Progress = func(p Progress) {
		mu.Lock()
		stages = append(stages, p.Stage)
		mu.Unlock()
	}

	ctx := context.Background()
	errs := make(chan error, 5)
	cmds := []Command{Lock(), ClimateOn(), SetChargeLimit(80), FlashLights(), SetSentryMode(true)}
	for _, cmd := range cmds {
		go func() { errs <- c.Send(ctx, vinA, cmd) }()
	}
	for range cmds {
		waitFor(t, queued, "queued caller")
	}
	for range cmds {
		if err := waitFor(t, errs, "result"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count("wake_up"); n != 1 {
		t.Fatalf("wake_up calls = %d, want 1", n)
	}
	if n := f.count("command"); n != 5 {
		t.Fatalf("commands = %d, want 5", n)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[Stage]int{StageWaking: 1, StagePolling: 2, StageOnline: 1, StageSending: 5}
	have := map[Stage]int{}
	for _, s := range stages {
		have[s]++
	}
	for s, n := range want {
		if have[s] != n {
			t.Errorf("progress %s reported %d times, want %d (all: %v)", s, have[s], n, stages)
		}
	}
}

func TestWakeTimeoutSaysSoAndDoesNotRetry(t *testing.T) {
	f := newFake(t)
	car := f.add(t, vinA, "asleep", SigningOff, false, nil)
	car.onlineAfter = -1 // never
	c := newCommander(t, fastConfig(f, nil))

	// Three callers: the first wakes, the two queued behind it share the
	// outcome instead of waking again.
	queued := make(chan string, 3)
	c.onQueued = func(vin string) { queued <- vin }
	hold := make(chan struct{})
	polls := 0
	c.cfg.Progress = func(p Progress) {
		if p.Stage == StageWaking {
			<-hold
		}
		if p.Stage == StagePolling {
			polls++
		}
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() { errs <- c.Send(context.Background(), vinA, ChargeStart()) }()
	}
	for range 3 {
		waitFor(t, queued, "queued caller")
	}
	close(hold)
	for range 3 {
		err := waitFor(t, errs, "result")
		if !errors.Is(err, fleet.ErrWakeTimeout) {
			t.Fatalf("err = %v, want fleet.ErrWakeTimeout", err)
		}
		if fleet.MayHaveSucceeded(err) {
			t.Fatalf("a wake timeout must say the command was not sent: %v", err)
		}
	}
	if n := f.count("wake_up"); n != 1 {
		t.Fatalf("wake_up calls = %d, want 1", n)
	}
	if n := f.count("command"); n != 0 {
		t.Fatalf("commands sent = %d, want 0", n)
	}
	if polls != 3 {
		t.Fatalf("polls = %d, want 3 (the backoff)", polls)
	}
	// Unknown state: one free check, then three polls.
	if n := f.count("vehicle"); n != 4 {
		t.Fatalf("vehicle reads = %d, want 4", n)
	}
}

func TestKnownOnlineSkipsWakeAndUnknownChecksFirst(t *testing.T) {
	f := newFake(t)
	f.add(t, vinA, "online", SigningOff, false, nil)
	c := newCommander(t, fastConfig(f, nil))
	ctx := context.Background()
	// Unknown state: a free read finds it online; no wake.
	if err := c.Send(ctx, vinA, Lock()); err != nil {
		t.Fatal(err)
	}
	// Now known online: nothing but the command.
	if err := c.Send(ctx, vinA, Unlock()); err != nil {
		t.Fatal(err)
	}
	if w, v, cmd := f.count("wake_up"), f.count("vehicle"), f.count("command"); w != 0 || v != 1 || cmd != 2 {
		t.Fatalf("wake_up=%d vehicle=%d command=%d, want 0, 1, 2", w, v, cmd)
	}
}

func TestAsleep408IsRetriedOnceAfterWake(t *testing.T) {
	f := newFake(t)
	car := f.add(t, vinA, "asleep", SigningOff, false, nil)
	car.onlineAfter = 1
	c := newCommander(t, fastConfig(f, nil))
	c.MarkState(vinA, "online") // stale: the car fell asleep meanwhile
	if err := c.Send(context.Background(), vinA, SetChargeLimit(90)); err != nil {
		t.Fatal(err)
	}
	if w, cmd := f.count("wake_up"), f.count("command"); w != 1 || cmd != 2 {
		t.Fatalf("wake_up=%d command=%d, want 1 wake and 2 sends", w, cmd)
	}
	if got := car.exec.names(); len(got) != 1 || got[0] != "set_charge_limit" {
		t.Fatalf("car ran %v, want one set_charge_limit", got)
	}
}

func TestAsleep408TwiceIsNotRetriedAgain(t *testing.T) {
	f := newFake(t)
	f.add(t, vinA, "online", SigningOff, false, nil)
	f.command = func(vin, name string, body any) (*fleet.CommandResult, error) { return nil, errAsleep408 }
	c := newCommander(t, fastConfig(f, nil))
	c.MarkState(vinA, "online")
	err := c.Send(context.Background(), vinA, ChargeStop())
	var ae *fleet.APIError
	if !errors.Is(err, fleet.ErrAsleep) || !errors.As(err, &ae) || ae.Status != 408 {
		t.Fatalf("err = %v, want fleet.ErrAsleep over the 408", err)
	}
	if fleet.MayHaveSucceeded(err) {
		t.Fatal("a 408 certainly failed")
	}
	if n := f.count("command"); n != 2 {
		t.Fatalf("commands = %d, want 2 (one retry)", n)
	}
}

func TestNoBlindRetry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		class error
		maybe bool
	}{
		{"5xx may have run", apiError(503, fleet.ErrServer), fleet.ErrFailed, true},
		{"429", apiError(429, fleet.ErrRateLimited), fleet.ErrRateLimited, false},
		{"missing scope", apiError(403, fleet.ErrMissingScope), fleet.ErrMissingScope, false},
		{"deadline after sending", &fleet.TransportError{Method: "POST", Err: context.DeadlineExceeded}, fleet.ErrTimeout, true},
		{"refused", &fleet.RefusedError{Reason: "is_charging"}, fleet.ErrRefused, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.add(t, vinA, "online", SigningOff, false, nil)
			f.command = func(vin, name string, body any) (*fleet.CommandResult, error) { return nil, tc.err }
			c := newCommander(t, fastConfig(f, nil))
			c.MarkState(vinA, "online")
			err := c.Send(context.Background(), vinA, ChargeStart())
			if !errors.Is(err, tc.class) {
				t.Fatalf("err = %v, want class %v", err, tc.class)
			}
			if fleet.MayHaveSucceeded(err) != tc.maybe {
				t.Fatalf("MayHaveSucceeded = %v, want %v (%v)", !tc.maybe, tc.maybe, err)
			}
			if n := f.count("command"); n != 1 {
				t.Fatalf("commands = %d, want exactly 1", n)
			}
		})
	}
}

func TestBenignRefusalsAreSuccess(t *testing.T) {
	for _, reason := range []string{"already_set", "not_charging", "requested"} {
		f := newFake(t)
		car := f.add(t, vinA, "online", SigningOff, false, nil)
		car.exec.refuse["charge_stop"] = reason
		c := newCommander(t, fastConfig(f, nil))
		if err := c.Send(context.Background(), vinA, ChargeStop()); err != nil {
			t.Fatalf("%s: %v", reason, err)
		}
	}
}

func TestScheduleSoftwareUpdateDoesNotWake(t *testing.T) {
	f := newFake(t)
	f.add(t, vinA, "online", SigningOff, false, nil)
	c := newCommander(t, fastConfig(f, nil))
	c.MarkState(vinA, "asleep")
	if err := c.Send(context.Background(), vinA, ScheduleSoftwareUpdate(0)); err != nil {
		t.Fatal(err)
	}
	if w, v := f.count("wake_up"), f.count("vehicle"); w != 0 || v != 0 {
		t.Fatalf("wake_up=%d vehicle=%d, want none", w, v)
	}
}

func TestWakeUpMethod(t *testing.T) {
	f := newFake(t)
	car := f.add(t, vinA, "asleep", SigningOff, false, nil)
	car.onlineAfter = 1
	c := newCommander(t, fastConfig(f, nil))
	c.MarkState(vinA, "asleep")
	ctx := context.Background()
	if err := c.WakeUp(ctx, vinA); err != nil {
		t.Fatal(err)
	}
	if err := c.WakeUp(ctx, vinA); err != nil { // known online now
		t.Fatal(err)
	}
	if n := f.count("wake_up"); n != 1 {
		t.Fatalf("wake_up = %d, want 1", n)
	}
}

func TestCallerDeadlineWhileQueued(t *testing.T) {
	f := newFake(t)
	f.add(t, vinA, "online", SigningOff, false, nil)
	entered := make(chan struct{})
	release := make(chan struct{})
	f.command = func(vin, name string, body any) (*fleet.CommandResult, error) {
		close(entered)
		<-release
		return &fleet.CommandResult{Result: true}, nil
	}
	c := newCommander(t, fastConfig(f, nil))
	c.MarkState(vinA, "online")
	done := make(chan error, 1)
	go func() { done <- c.Send(context.Background(), vinA, Honk()) }()
	waitFor(t, entered, "first command")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Send(ctx, vinA, FlashLights())
	if !errors.Is(err, context.Canceled) || fleet.MayHaveSucceeded(err) {
		t.Fatalf("err = %v, want a certain failure caused by context.Canceled", err)
	}
	close(release)
	if err := waitFor(t, done, "first result"); err != nil {
		t.Fatal(err)
	}
}
