package command

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// listeners counts the SDK dispatcher goroutines alive in the process.
func listeners() int {
	buf := make([]byte, 4<<20)
	n := runtime.Stack(buf, true)
	count := 0
	for g := range strings.SplitSeq(string(buf[:n]), "\n\n") {
		if strings.Contains(g, "dispatcher.(*Dispatcher).listen(") {
			count++
		}
	}
	return count
}

// A signed command whose context is already over must not leave the SDK's
// dispatcher goroutine behind: a long-running service cancels commands all
// the time (a user closing the page, a deadline), and each leak keeps a
// goroutine and a Vehicle forever.
func TestCancelledSignedCommandLeavesNoGoroutine(t *testing.T) {
	f := newFake(t)
	key := newKey(t)
	f.add(t, vinA, "online", SigningRequired, true, key)
	c := newCommander(t, fastConfig(f, key))
	before := listeners()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 20 {
		if _, err := c.execSigned(ctx, vinA, Honk()); !errors.Is(err, context.Canceled) {
			t.Fatalf("execSigned with a cancelled context = %v, want context.Canceled", err)
		}
	}
	// The dispatchers stop promptly when they do stop; this only bounds the wait.
	deadline := time.Now().Add(5 * time.Second)
	for listeners() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := listeners() - before; n > 0 {
		t.Fatalf("%d dispatcher goroutines left running after cancelled signed commands", n)
	}
}
