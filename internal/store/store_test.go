package store

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// base is the tests' "now": history near it survives Open's prune.
var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testOptions(dir string) Options {
	return Options{Dir: dir, Now: func() time.Time { return base }}
}

// openT opens a store in dir (a new temporary one when "") and closes it
// at the end of the test.
func openT(t testing.TB, dir string, mods ...func(*Options)) *Store {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	o := testOptions(dir)
	for _, m := range mods {
		m(&o)
	}
	s, err := Open(t.Context(), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func equal(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// TestRoundTrips saves every kind of row, reopens the store and reads it
// back.
func TestRoundTrips(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(ctx, testOptions(dir))
	must(t, err)

	acct := Account{ID: "sub-1", Region: "eu", Scopes: []string{"openid", "vehicle_device_data"}, AddedAt: base.Add(-time.Hour)}
	tok := Token{AccessToken: "at", RefreshToken: "rt", TokenType: "Bearer", Expiry: base.Add(8 * time.Hour)}
	must(t, s.SaveApp(ctx, App{ClientID: "old", ClientSecret: "s0"}))
	must(t, s.SaveApp(ctx, App{ClientID: "cid", ClientSecret: "s1"}))
	must(t, s.SaveAccount(ctx, acct))
	must(t, s.SaveAccount(ctx, Account{ID: "sub-2", Region: "na"})) // AddedAt from Now
	must(t, s.SaveToken(ctx, "sub-1", Token{AccessToken: "first"}))
	must(t, s.SaveToken(ctx, "sub-1", tok))
	must(t, s.SetPolling(ctx, "sub-2", false))
	must(t, s.SaveOverride(ctx, Override{UniqueID: "VIN1-charge_state", Enabled: ptr(false)}))
	must(t, s.SaveOverride(ctx, Override{UniqueID: "VIN1-name", Enabled: ptr(true), Name: "Mine", Interval: 5 * time.Minute}))
	must(t, s.SaveOverride(ctx, Override{UniqueID: "gone", Name: "x"}))
	must(t, s.SaveOverride(ctx, Override{UniqueID: "gone"})) // all defaults: deleted
	must(t, s.AddUsage(ctx, Usage{Account: "sub-1", Device: "VIN1", Category: "data", Month: "2026-03", Count: 2}))
	must(t, s.AddUsage(ctx, Usage{Account: "sub-1", Device: "VIN1", Category: "data", Month: "2026-03", Count: 3}))
	must(t, s.AddUsage(ctx, Usage{Account: "sub-1", Device: "VIN1", Category: "command", Month: "2026-03", Count: 1}))
	must(t, s.AddUsage(ctx, Usage{Account: "sub-1", Device: "VIN1", Category: "data", Month: "2026-02", Count: 7}))
	must(t, s.SaveSessions(ctx, "key-1", []byte{0, 1, 2, 255}))
	must(t, s.SaveSessions(ctx, "key-2", []byte("x")))
	must(t, s.SaveSessions(ctx, "key-2", nil)) // deleted
	must(t, s.SaveSnapshot(ctx, Snapshot{Kind: "vehicle", Key: "VIN1", Data: []byte(`{"a":1}`), At: base}))
	must(t, s.SaveSnapshot(ctx, Snapshot{Kind: "vehicle", Key: "VIN1", Data: []byte(`{"a":2}`), At: base.Add(time.Second)}))
	must(t, s.SaveSnapshot(ctx, Snapshot{Kind: "site", Key: "42", Data: []byte(`{}`)}))
	must(t, s.SaveSnapshot(ctx, Snapshot{Kind: "site", Key: "43"}))
	must(t, s.DeleteSnapshot(ctx, "site", "43"))
	must(t, s.Close())

	s = openT(t, dir)
	cases := []struct {
		name string
		get  func() (any, error)
		want any
	}{
		{"app is the last saved", func() (any, error) {
			a, ok, err := s.App(ctx)
			return []any{a, ok}, err
		}, []any{App{ClientID: "cid", ClientSecret: "s1"}, true}},
		{"accounts", func() (any, error) { return s.Accounts(ctx) }, []Account{
			{ID: "sub-1", Region: "eu", Scopes: []string{"openid", "vehicle_device_data"}, AddedAt: base.Add(-time.Hour)},
			{ID: "sub-2", Region: "na", AddedAt: base},
		}},
		{"token", func() (any, error) { return s.Token(ctx, "sub-1") }, tok},
		{"polling default", func() (any, error) { return s.Polling(ctx, "sub-1") }, true},
		{"polling off", func() (any, error) { return s.Polling(ctx, "sub-2") }, false},
		{"polling of an unknown account", func() (any, error) { return s.Polling(ctx, "nobody") }, true},
		{"overrides", func() (any, error) { return s.Overrides(ctx) }, map[string]Override{
			"VIN1-charge_state": {UniqueID: "VIN1-charge_state", Enabled: ptr(false)},
			"VIN1-name":         {UniqueID: "VIN1-name", Enabled: ptr(true), Name: "Mine", Interval: 5 * time.Minute},
		}},
		{"usage of a month", func() (any, error) { return s.UsageFor(ctx, "2026-03") }, []Usage{
			{Account: "sub-1", Device: "VIN1", Category: "command", Month: "2026-03", Count: 1},
			{Account: "sub-1", Device: "VIN1", Category: "data", Month: "2026-03", Count: 5},
		}},
		{"usage of an empty month", func() (any, error) { return s.UsageFor(ctx, "2025-01") }, []Usage(nil)},
		{"sessions", func() (any, error) { return s.Sessions(ctx, "key-1") }, []byte{0, 1, 2, 255}},
		{"deleted sessions", func() (any, error) { return s.Sessions(ctx, "key-2") }, []byte(nil)},
		{"snapshots", func() (any, error) { return s.Snapshots(ctx) }, []Snapshot{
			{Kind: "site", Key: "42", Data: []byte(`{}`)},
			{Kind: "vehicle", Key: "VIN1", Data: []byte(`{"a":2}`), At: base.Add(time.Second)},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.get()
			must(t, err)
			equal(t, c.name, got, c.want)
		})
	}
}

func TestDefaultsAndNotFound(t *testing.T) {
	ctx := t.Context()
	s := openT(t, "")
	t.Run("empty store", func(t *testing.T) {
		_, ok, err := s.App(ctx)
		must(t, err)
		equal(t, "App found", ok, false)
		as, err := s.Accounts(ctx)
		must(t, err)
		equal(t, "accounts", len(as), 0)
		ov, err := s.Overrides(ctx)
		must(t, err)
		equal(t, "overrides", len(ov), 0)
		sn, err := s.Snapshots(ctx)
		must(t, err)
		equal(t, "snapshots", len(sn), 0)
		b, err := s.Sessions(ctx, "none")
		must(t, err)
		equal(t, "sessions", b, []byte(nil))
	})
	notFound := []struct {
		name string
		err  func() error
	}{
		{"token of an unknown account", func() error { _, err := s.Token(ctx, "nobody"); return err }},
		{"saving a token for an unknown account", func() error { return s.SaveToken(ctx, "nobody", Token{}) }},
		{"deleting an unknown account", func() error { return s.DeleteAccount(ctx, "nobody") }},
		{"polling of an unknown account", func() error { return s.SetPolling(ctx, "nobody", false) }},
	}
	for _, c := range notFound {
		t.Run(c.name, func(t *testing.T) {
			if err := c.err(); !errors.Is(err, ErrNotFound) {
				t.Errorf("err = %v, want ErrNotFound", err)
			}
		})
	}
	t.Run("a token without an account", func(t *testing.T) {
		must(t, s.SaveAccount(ctx, Account{ID: "a"}))
		if _, err := s.Token(ctx, "a"); !errors.Is(err, ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
	t.Run("deleting an account deletes its token", func(t *testing.T) {
		must(t, s.SaveAccount(ctx, Account{ID: "b", Scopes: []string{"openid"}}))
		must(t, s.SaveToken(ctx, "b", Token{AccessToken: "x", RefreshToken: "y"}))
		must(t, s.SetPolling(ctx, "b", false))
		must(t, s.DeleteAccount(ctx, "b"))
		if _, err := s.Token(ctx, "b"); !errors.Is(err, ErrNotFound) {
			t.Errorf("token after delete: err = %v, want ErrNotFound", err)
		}
		on, err := s.Polling(ctx, "b")
		must(t, err)
		equal(t, "polling after delete", on, true)
		var n int
		must(t, s.r.QueryRowContext(ctx, "SELECT count(*) FROM tokens WHERE account_id = 'b'").Scan(&n))
		equal(t, "token rows", n, 0)
	})
	t.Run("saving an account keeps its token, polling and AddedAt", func(t *testing.T) {
		must(t, s.SaveAccount(ctx, Account{ID: "c", Region: "eu", AddedAt: base.Add(-time.Hour)}))
		must(t, s.SaveToken(ctx, "c", Token{AccessToken: "x"}))
		must(t, s.SetPolling(ctx, "c", false))
		must(t, s.SaveAccount(ctx, Account{ID: "c", Region: "na", Scopes: []string{"energy_device_data"}}))
		tok, err := s.Token(ctx, "c")
		must(t, err)
		equal(t, "access token", tok.AccessToken, "x")
		on, err := s.Polling(ctx, "c")
		must(t, err)
		equal(t, "polling", on, false)
		as, err := s.Accounts(ctx)
		must(t, err)
		for _, a := range as {
			if a.ID == "c" {
				equal(t, "account", a, Account{ID: "c", Region: "na", Scopes: []string{"energy_device_data"}, AddedAt: base.Add(-time.Hour)})
			}
		}
	})
	t.Run("close twice", func(t *testing.T) {
		s := openT(t, "")
		must(t, s.Close())
		must(t, s.Close())
	})
}

// TestConnections checks the pragmas of the writer and of the readers, and
// that Close leaves no WAL behind.
func TestConnections(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(ctx, testOptions(dir))
	must(t, err)
	for _, c := range []struct {
		pragma     string
		writer, rd any
	}{
		{"journal_mode", "wal", "wal"},
		{"synchronous", int64(2), int64(2)}, // FULL
		{"foreign_keys", int64(1), int64(1)},
		{"busy_timeout", busyTimeout.Milliseconds(), busyTimeout.Milliseconds()},
		{"query_only", int64(0), int64(1)},
	} {
		t.Run(c.pragma, func(t *testing.T) {
			for _, db := range []struct {
				name string
				db   *sql.DB
				want any
			}{{"writer", s.w, c.writer}, {"reader", s.r, c.rd}} {
				var got any
				must(t, db.db.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got))
				equal(t, db.name+" "+c.pragma, got, db.want)
			}
		})
	}
	must(t, s.SaveAccount(ctx, Account{ID: "a"}))
	must(t, s.Close())
	for _, f := range []string{DBFile + "-wal", DBFile + "-shm"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s after Close: %v", f, err)
		}
	}
	if _, err := Open(ctx, Options{Dir: dir + "?x"}); err == nil {
		t.Errorf("Open of a directory with '?' succeeded")
	}
}

// Removing an account deletes its token, sessions and ledger rows and
// nothing of another account; the application credentials go on their own.
func TestRemoveAccountAndApp(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range []string{"a", "b"} {
		if err := s.SaveAccount(ctx, Account{ID: id, Region: "NA"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveToken(ctx, id, Token{AccessToken: "at-" + id, RefreshToken: "rt-" + id}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveSessions(ctx, "vcp/"+id, []byte("s-"+id)); err != nil {
			t.Fatal(err)
		}
		if err := s.AddUsage(ctx, Usage{Account: id, Device: "V", Category: "data", Month: "2026-12", Count: 3}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveApp(ctx, App{ClientID: "c", ClientSecret: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveAccount(ctx, "a", "vcp/a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Token(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a's token after removal: %v", err)
	}
	if b, _ := s.Sessions(ctx, "vcp/a"); b != nil {
		t.Errorf("a's sessions after removal: %q", b)
	}
	if b, _ := s.Sessions(ctx, "vcp/b"); string(b) != "s-b" {
		t.Errorf("b's sessions: %q", b)
	}
	usage, _ := s.UsageFor(ctx, "2026-12")
	if len(usage) != 1 || usage[0].Account != "b" {
		t.Errorf("usage after removal: %+v", usage)
	}
	if err := s.RemoveAccount(ctx, "a", "vcp/a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
	if _, ok, _ := s.App(ctx); !ok {
		t.Fatal("the app went with the account")
	}
	if err := s.DeleteApp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.App(ctx); ok {
		t.Error("the app is still there")
	}
}
