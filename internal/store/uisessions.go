package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// UISession is a signed-in browser as the store keeps it: the hash of its
// session id (never the id), its CSRF token and when it ends.
type UISession struct {
	Hash      string // hex SHA-256 of the session id (HashAPIToken)
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ErrNoSession is returned for a session the store does not know or that
// has ended.
var ErrNoSession = errors.New("store: no such session")

// UIPassword returns the web UI's password hash; ok is false when none is
// set yet (the first run).
func (s *Store) UIPassword(ctx context.Context) (hash []byte, ok bool, err error) {
	err = s.r.QueryRowContext(ctx, "SELECT value FROM meta WHERE name = 'ui_password'").Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return hash, err == nil, err
}

// SetUIPassword keeps the web UI's password hash and ends every session
// (a changed password signs every browser out).
func (s *Store) SetUIPassword(ctx context.Context, hash []byte) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta(name, value) VALUES ('ui_password', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value", hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM ui_sessions")
		return err
	})
}

// SaveUISession keeps a session, dropping the ones that have ended.
func (s *Store) SaveUISession(ctx context.Context, u UISession) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM ui_sessions WHERE expires_at <= ?", s.now().UnixNano()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO ui_sessions(hash, csrf, created_at, expires_at) VALUES (?, ?, ?, ?)",
			u.Hash, u.CSRF, u.CreatedAt.UnixNano(), u.ExpiresAt.UnixNano())
		return err
	})
}

// UISession returns the live session with this hash, or ErrNoSession.
func (s *Store) UISession(ctx context.Context, hash string) (UISession, error) {
	var created, expires int64
	u := UISession{Hash: hash}
	err := s.r.QueryRowContext(ctx, "SELECT csrf, created_at, expires_at FROM ui_sessions WHERE hash = ? AND expires_at > ?", hash, s.now().UnixNano()).
		Scan(&u.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return UISession{}, ErrNoSession
	}
	if err != nil {
		return UISession{}, err
	}
	u.CreatedAt, u.ExpiresAt = time.Unix(0, created).UTC(), time.Unix(0, expires).UTC()
	return u, nil
}

// DeleteUISession ends a session (signing out).
func (s *Store) DeleteUISession(ctx context.Context, hash string) error {
	_, err := s.exec(ctx, "DELETE FROM ui_sessions WHERE hash = ?", hash)
	return err
}
