package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"
)

// APIToken is a long-lived REST API token as the store keeps it: its hash,
// never the token.
type APIToken struct {
	ID        int64
	Name      string
	Hash      string // hex SHA-256 of the token
	CreatedAt time.Time
	LastUsed  time.Time // zero: never
}

// HashAPIToken is the hash the store keeps of a token.
func HashAPIToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateAPIToken makes a token of 32 random bytes (hex), keeps its hash
// under name, and returns the token — the only time it is seen.
func (s *Store) CreateAPIToken(ctx context.Context, name string) (APIToken, string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return APIToken{}, "", err
	}
	tok := hex.EncodeToString(b[:])
	t := APIToken{Name: name, Hash: HashAPIToken(tok), CreatedAt: s.now().UTC()}
	res, err := s.exec(ctx, `INSERT INTO api_tokens(name, hash, created_at) VALUES (?, ?, ?)`, t.Name, t.Hash, t.CreatedAt.UnixNano())
	if err != nil {
		return APIToken{}, "", err
	}
	if t.ID, err = res.LastInsertId(); err != nil {
		return APIToken{}, "", err
	}
	return t, tok, nil
}

// ListAPITokens returns the tokens, oldest first.
func (s *Store) ListAPITokens(ctx context.Context) ([]APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, hash, created_at, last_used FROM api_tokens ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken deletes a token (ErrNotFound: no such id).
func (s *Store) RevokeAPIToken(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM api_tokens WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// APITokenByHash finds a token by its hash (ErrNotFound: none).
func (s *Store) APITokenByHash(ctx context.Context, hash string) (APIToken, error) {
	row := s.r.QueryRowContext(ctx, `SELECT id, name, hash, created_at, last_used FROM api_tokens WHERE hash = ?`, hash)
	t, err := scanAPIToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, ErrNotFound
	}
	return t, err
}

// TouchAPIToken records that a token was used at t.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, t time.Time) error {
	_, err := s.exec(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, t.UnixNano(), id)
	return err
}

func scanAPIToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var created int64
	var used sql.NullInt64
	if err := row.Scan(&t.ID, &t.Name, &t.Hash, &created, &used); err != nil {
		return APIToken{}, err
	}
	t.CreatedAt, t.LastUsed = time.Unix(0, created).UTC(), fromNanos(used)
	return t, nil
}
