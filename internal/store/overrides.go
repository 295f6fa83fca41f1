package store

import (
	"context"
	"database/sql"
	"time"
)

// Override is what the user changed of one entity, keyed by its unique id.
// Zero fields keep the default: Enabled nil (the description's default),
// Name "" (the generated name), Interval 0 (the source's interval).
type Override struct {
	UniqueID string
	Enabled  *bool
	Name     string
	Interval time.Duration
}

// SaveOverride stores an entity's override, replacing the previous one; an
// override with every field at its default deletes the row.
func (s *Store) SaveOverride(ctx context.Context, o Override) error {
	if o.Enabled == nil && o.Name == "" && o.Interval == 0 {
		_, err := s.exec(ctx, "DELETE FROM overrides WHERE unique_id = ?", o.UniqueID)
		return err
	}
	var enabled sql.NullBool
	if o.Enabled != nil {
		enabled = sql.NullBool{Bool: *o.Enabled, Valid: true}
	}
	_, err := s.exec(ctx, `INSERT INTO overrides(unique_id, enabled, name, interval) VALUES (?, ?, ?, ?)
		ON CONFLICT(unique_id) DO UPDATE SET enabled = excluded.enabled, name = excluded.name, interval = excluded.interval`,
		o.UniqueID, enabled, o.Name, int64(o.Interval))
	return err
}

// Overrides returns every override by unique id.
func (s *Store) Overrides(ctx context.Context) (map[string]Override, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT unique_id, enabled, name, interval FROM overrides")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]Override{}
	for rows.Next() {
		var o Override
		var enabled sql.NullBool
		var interval int64
		if err := rows.Scan(&o.UniqueID, &enabled, &o.Name, &interval); err != nil {
			return nil, err
		}
		if enabled.Valid {
			o.Enabled = &enabled.Bool
		}
		o.Interval = time.Duration(interval)
		m[o.UniqueID] = o
	}
	return m, rows.Err()
}
