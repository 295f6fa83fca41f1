package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Snapshot is the last data a source returned (JSON), kept to restore the
// entities' states after a restart without polling. Kind and Key name the
// source (e.g. "vehicle_data" and a VIN).
type Snapshot struct {
	Kind, Key string
	Data      []byte
	At        time.Time
}

// SaveSessions stores the Vehicle Command Protocol session cache named
// name (opaque bytes, encrypted), replacing the previous one; empty data
// deletes it.
func (s *Store) SaveSessions(ctx context.Context, name string, data []byte) error {
	if len(data) == 0 {
		_, err := s.exec(ctx, "DELETE FROM sessions WHERE name = ?", name)
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO sessions(name, data) VALUES (?, ?)
		ON CONFLICT(name) DO UPDATE SET data = excluded.data`,
		name, s.seal.seal("sessions/"+name, data))
	return err
}

// Sessions returns the session cache named name; nil, nil when none.
func (s *Store) Sessions(ctx context.Context, name string) ([]byte, error) {
	var sealed []byte
	err := s.r.QueryRowContext(ctx, "SELECT data FROM sessions WHERE name = ?", name).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return s.seal.open("sessions/"+name, sealed)
}

// SaveSnapshot stores a source's last data, replacing the previous one.
func (s *Store) SaveSnapshot(ctx context.Context, sn Snapshot) error {
	if sn.Data == nil {
		sn.Data = []byte{}
	}
	_, err := s.exec(ctx, `INSERT INTO snapshots(kind, key, data, at) VALUES (?, ?, ?, ?)
		ON CONFLICT(kind, key) DO UPDATE SET data = excluded.data, at = excluded.at`,
		sn.Kind, sn.Key, sn.Data, nanos(sn.At))
	return err
}

// DeleteSnapshot deletes a source's snapshot (a product that is gone).
func (s *Store) DeleteSnapshot(ctx context.Context, kind, key string) error {
	_, err := s.exec(ctx, "DELETE FROM snapshots WHERE kind = ? AND key = ?", kind, key)
	return err
}

// Snapshots returns every snapshot, ordered by kind and key.
func (s *Store) Snapshots(ctx context.Context) ([]Snapshot, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT kind, key, data, at FROM snapshots ORDER BY kind, key")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var sns []Snapshot
	for rows.Next() {
		var sn Snapshot
		var at sql.NullInt64
		if err := rows.Scan(&sn.Kind, &sn.Key, &sn.Data, &at); err != nil {
			return nil, err
		}
		sn.At = fromNanos(at)
		sns = append(sns, sn)
	}
	return sns, rows.Err()
}
