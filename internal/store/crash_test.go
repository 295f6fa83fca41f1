package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash tests re-run this test binary as a child (TestHelperProcess
// with helperEnv set) that writes in a loop and prints "ack N" after each
// acknowledged write; the parent kills it with SIGKILL mid-way and checks
// that the reopened store holds everything acknowledged.
const (
	helperEnv    = "TESLAFLEET_STORE_HELPER"
	helperDirEnv = "TESLAFLEET_STORE_HELPER_DIR"
	burst        = 50 // history changes per Flush
)

// TestHelperProcess is the child's body; as a normal test it does nothing.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("the crash tests' child process")
	}
	ctx := context.Background()
	s, err := Open(ctx, testOptions(os.Getenv(helperDirEnv)))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	ack := func(n int) { fmt.Fprintf(os.Stdout, "ack %d\n", n) } // unbuffered
	switch mode {
	case "tokens":
		if err := s.SaveAccount(ctx, Account{ID: "acct"}); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		for i := 1; ; i++ {
			if err := s.SaveToken(ctx, "acct", Token{AccessToken: "a-" + strconv.Itoa(i), RefreshToken: "r-" + strconv.Itoa(i)}); err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			ack(i)
		}
	case "history":
		for n := 0; ; {
			for range burst {
				for !s.Record(StateChange{EntityID: "sensor.seq", State: strconv.Itoa(n), LastUpdated: base.Add(time.Duration(n) * time.Millisecond)}) {
					time.Sleep(time.Millisecond)
				}
				n++
			}
			if err := s.Flush(ctx); err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			ack(n)
		}
	}
	os.Exit(2)
}

// killMidway runs the child in mode until it has acknowledged at least
// acks writes, kills it with SIGKILL and returns the last acknowledgement
// it printed (lines already in the pipe count).
func killMidway(t *testing.T, mode, dir string, acks int) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	last, seen, killed := 0, 0, false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		n, ok := strings.CutPrefix(line, "ack ")
		if !ok {
			t.Errorf("child: %s", line)
			continue
		}
		if last, err = strconv.Atoi(n); err != nil {
			t.Fatalf("child: %s", line)
		}
		if seen++; seen == acks && !killed {
			must(t, cmd.Process.Kill()) // SIGKILL: no Close, no deferred code
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("child ended after %d acknowledgements: %v", seen, err)
	}
	if ws, ok := cmd.ProcessState.Sys().(interface{ Signaled() bool }); ok && !ws.Signaled() {
		t.Errorf("child was not killed by a signal: %v", err)
	}
	return last
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	ctx := t.Context()
	t.Run("tokens", func(t *testing.T) {
		dir := t.TempDir()
		last := killMidway(t, "tokens", dir, 30)
		s := openT(t, dir)
		tok, err := s.Token(ctx, "acct")
		must(t, err)
		got, err := strconv.Atoi(strings.TrimPrefix(tok.RefreshToken, "r-"))
		must(t, err)
		if got < last || got > last+1 {
			t.Errorf("refresh token r-%d after the crash; the last acknowledged was r-%d", got, last)
		}
		equal(t, "access token", tok.AccessToken, "a-"+strconv.Itoa(got))
		t.Logf("last acknowledged %d, stored %d", last, got)
	})
	t.Run("history", func(t *testing.T) {
		dir := t.TempDir()
		last := killMidway(t, "history", dir, 10)
		s := openT(t, dir)
		h, err := s.History(ctx, []string{"sensor.seq"}, base.Add(-time.Hour), base.Add(24*time.Hour))
		must(t, err)
		cs := h["sensor.seq"]
		if len(cs) < last {
			t.Errorf("%d changes after the crash; %d were acknowledged", len(cs), last)
		}
		for i, c := range cs { // committed in order: no holes
			if c.State != strconv.Itoa(i) {
				t.Fatalf("change %d is %s", i, c.State)
			}
		}
		t.Logf("last acknowledged %d, stored %d", last, len(cs))
	})
}
