package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// migrationFiles are the schema's steps: migrations/NNNN_name.sql, numbered
// from 1 without gaps. A step never changes once released; a change is a
// new step.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded steps in order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for i, name := range names { // fs.Glob sorts
		base := path.Base(name)
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("store: migration %s: want number %04d", base, i+1)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	return ms, nil
}

// schemaVersion reads the version recorded in the database header.
func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// migrate brings db to version target (0: the newest known), one
// transaction per step, recording each step in PRAGMA user_version. A
// database newer than the binary knows is refused with ErrSchemaTooNew.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if target == 0 || target > len(ms) {
		target = len(ms)
	}
	cur, err := schemaVersion(ctx, db)
	if err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	if cur > len(ms) {
		return fmt.Errorf("%w: the database has schema version %d, this teslafleet knows versions up to %d; use a newer teslafleet or restore a backup",
			ErrSchemaTooNew, cur, len(ms))
	}
	for _, m := range ms[cur:target] {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		// PRAGMA takes no parameters; the version is a number we made.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}
