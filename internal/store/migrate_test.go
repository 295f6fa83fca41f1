package store

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMigrations(t *testing.T) {
	ctx := t.Context()
	ms, err := migrations()
	must(t, err)
	latest := len(ms)
	if latest < 2 {
		t.Fatalf("%d migrations, want at least 2", latest)
	}

	t.Run("version 1 is upgraded in place", func(t *testing.T) {
		dir := t.TempDir()
		s, err := open(ctx, testOptions(dir), 1)
		must(t, err)
		must(t, s.SaveAccount(ctx, Account{ID: "a", Region: "eu"}))
		must(t, s.SaveToken(ctx, "a", Token{AccessToken: "at", RefreshToken: "rt"}))
		for i := range 3 {
			s.Record(StateChange{EntityID: "sensor.x", State: string(rune('0' + i)), LastUpdated: base.Add(time.Duration(i) * time.Minute)})
		}
		must(t, s.Flush(ctx))
		equal(t, "version before", version(t, s.w), 1)
		equal(t, "indexes before", indexes(t, s.w), []string{"states_entity"})
		must(t, s.Close())

		s = openT(t, dir)
		equal(t, "version after", version(t, s.w), latest)
		equal(t, "indexes after", indexes(t, s.w), []string{"states_entity_time", "states_time"})
		tok, err := s.Token(ctx, "a")
		must(t, err)
		equal(t, "refresh token", tok.RefreshToken, "rt")
		h, err := s.History(ctx, []string{"sensor.x"}, base, base.Add(time.Hour))
		must(t, err)
		equal(t, "history rows", len(h["sensor.x"]), 3)
	})

	t.Run("a newer schema is refused", func(t *testing.T) {
		dir := t.TempDir()
		s := openT(t, dir)
		must(t, s.SaveAccount(ctx, Account{ID: "a"}))
		must(t, s.Close())
		db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
		must(t, err)
		_, err = db.Exec("PRAGMA user_version = 99")
		must(t, err)
		must(t, db.Close())

		_, err = Open(ctx, testOptions(dir))
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("Open: err = %v, want ErrSchemaTooNew", err)
		}
		for _, want := range []string{"99", fmt.Sprintf("up to %d", latest)} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	})

	t.Run("steps are numbered from 1 without gaps", func(t *testing.T) {
		for i, m := range ms {
			equal(t, m.name+" version", m.version, i+1)
		}
	})
}

func version(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	must(t, db.QueryRow("PRAGMA user_version").Scan(&v))
	return v
}

func indexes(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'states' AND sql IS NOT NULL ORDER BY name")
	must(t, err)
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		names = append(names, n)
	}
	must(t, rows.Err())
	return names
}
