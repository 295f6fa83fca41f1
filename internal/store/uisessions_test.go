package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The UI's password starts unset, is kept across a reopen, and setting it
// again ends every session; sessions are found by hash until they expire
// or are deleted.
func TestUISessions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	clock := func(o *Options) { o.Now = func() time.Time { return now } }
	s := openT(t, dir, clock)
	if _, ok, err := s.UIPassword(ctx); err != nil || ok {
		t.Fatalf("UIPassword on a new store: ok=%v err=%v, want unset", ok, err)
	}
	must(t, s.SetUIPassword(ctx, []byte("hash-1")))
	live := UISession{Hash: HashAPIToken("live"), CSRF: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	short := UISession{Hash: HashAPIToken("short"), CSRF: "c2", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
	must(t, s.SaveUISession(ctx, live))
	must(t, s.SaveUISession(ctx, short))

	got, err := s.UISession(ctx, live.Hash)
	must(t, err)
	equal(t, "csrf", got.CSRF, "c1")
	equal(t, "expires", got.ExpiresAt, live.ExpiresAt)

	now = now.Add(2 * time.Minute)
	if _, err := s.UISession(ctx, short.Hash); !errors.Is(err, ErrNoSession) {
		t.Fatalf("expired session: err = %v, want ErrNoSession", err)
	}
	if _, err := s.UISession(ctx, "unknown"); !errors.Is(err, ErrNoSession) {
		t.Fatalf("unknown session: err = %v, want ErrNoSession", err)
	}
	must(t, s.Close())

	s = openT(t, dir, clock)
	hash, ok, err := s.UIPassword(ctx)
	must(t, err)
	if !ok || string(hash) != "hash-1" {
		t.Fatalf("password after reopen = %q %v", hash, ok)
	}
	if _, err := s.UISession(ctx, live.Hash); err != nil {
		t.Fatalf("the live session did not survive a reopen: %v", err)
	}
	must(t, s.DeleteUISession(ctx, live.Hash))
	if _, err := s.UISession(ctx, live.Hash); !errors.Is(err, ErrNoSession) {
		t.Fatalf("deleted session: err = %v", err)
	}
	must(t, s.SaveUISession(ctx, live))
	must(t, s.SetUIPassword(ctx, []byte("hash-2")))
	if _, err := s.UISession(ctx, live.Hash); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a new password left a session signed in: %v", err)
	}
}
