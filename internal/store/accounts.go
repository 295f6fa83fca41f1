package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// App is the application's credentials at Tesla (one row per client id).
// ClientSecret is stored encrypted.
type App struct {
	ClientID, ClientSecret string
}

// Account is one signed-in Tesla account, keyed by its token's subject.
type Account struct {
	ID, Region string
	Scopes     []string
	AddedAt    time.Time // set to Options.Now() when zero
}

// Token is an account's OAuth2 token. Both tokens are stored encrypted.
type Token struct {
	AccessToken, RefreshToken, TokenType string
	Expiry                               time.Time // zero: none
}

// SaveApp stores the application credentials; App returns the latest saved.
func (s *Store) SaveApp(ctx context.Context, a App) error {
	secret := s.seal.seal("app/"+a.ClientID+"/secret", []byte(a.ClientSecret))
	_, err := s.exec(ctx, `INSERT INTO app(client_id, client_secret, seq)
		VALUES (?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM app))
		ON CONFLICT(client_id) DO UPDATE SET client_secret = excluded.client_secret, seq = excluded.seq`,
		a.ClientID, secret)
	return err
}

// App returns the application credentials saved last; false when none.
func (s *Store) App(ctx context.Context) (App, bool, error) {
	var a App
	var secret []byte
	err := s.r.QueryRowContext(ctx, "SELECT client_id, client_secret FROM app ORDER BY seq DESC LIMIT 1").Scan(&a.ClientID, &secret)
	if errors.Is(err, sql.ErrNoRows) {
		return App{}, false, nil
	} else if err != nil {
		return App{}, false, err
	}
	plain, err := s.seal.open("app/"+a.ClientID+"/secret", secret)
	if err != nil {
		return App{}, false, err
	}
	a.ClientSecret = string(plain)
	return a, true, nil
}

// SaveAccount adds an account or updates its region and scopes (its token,
// polling switch and AddedAt stay).
func (s *Store) SaveAccount(ctx context.Context, a Account) error {
	if a.ID == "" {
		return errors.New("store: account without id")
	}
	if a.AddedAt.IsZero() {
		a.AddedAt = s.now()
	}
	scopes, err := json.Marshal(a.Scopes)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO accounts(id, region, scopes, added_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET region = excluded.region, scopes = excluded.scopes`,
		a.ID, a.Region, string(scopes), nanos(a.AddedAt))
	return err
}

// Accounts returns every account, oldest first.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, region, scopes, added_at FROM accounts ORDER BY added_at, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []Account
	for rows.Next() {
		var a Account
		var scopes string
		var at sql.NullInt64
		if err := rows.Scan(&a.ID, &a.Region, &scopes, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(scopes), &a.Scopes); err != nil {
			return nil, fmt.Errorf("store: account %s scopes: %w", a.ID, err)
		}
		a.AddedAt = fromNanos(at)
		as = append(as, a)
	}
	return as, rows.Err()
}

// DeleteAccount deletes an account with its token and polling switch;
// ErrNotFound when there is no such account.
func (s *Store) DeleteAccount(ctx context.Context, id string) error {
	res, err := s.exec(ctx, "DELETE FROM accounts WHERE id = ?", id) // the token cascades
	return affected(res, err)
}

// RemoveAccount deletes an account and everything kept for it alone, in
// one transaction: its token, its command sessions (sessionsName) and its
// cost ledger rows. ErrNotFound when the account does not exist.
func (s *Store) RemoveAccount(ctx context.Context, id, sessionsName string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM accounts WHERE id = ?", id)
		if err := affected(res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE name = ?", sessionsName); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM usage WHERE account = ?", id)
		return err
	})
}

// DeleteApp deletes the stored application credentials; ErrNotFound when
// there are none.
func (s *Store) DeleteApp(ctx context.Context) error {
	res, err := s.exec(ctx, "DELETE FROM app")
	return affected(res, err)
}

// SaveToken stores an account's token, replacing the previous one. It
// returns once the transaction is committed durably: only then may the
// caller use a rotated refresh token. ErrNotFound when the account does not
// exist.
func (s *Store) SaveToken(ctx context.Context, accountID string, t Token) error {
	access := s.seal.seal("token/"+accountID+"/access", []byte(t.AccessToken))
	refresh := s.seal.seal("token/"+accountID+"/refresh", []byte(t.RefreshToken))
	return s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM accounts WHERE id = ?", accountID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: account %s", ErrNotFound, accountID)
		} else if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tokens(account_id, access_token, refresh_token, token_type, expiry)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(account_id) DO UPDATE SET access_token = excluded.access_token,
				refresh_token = excluded.refresh_token, token_type = excluded.token_type, expiry = excluded.expiry`,
			accountID, access, refresh, t.TokenType, nanos(t.Expiry))
		return err
	})
}

// Token returns an account's token; ErrNotFound when there is none.
func (s *Store) Token(ctx context.Context, accountID string) (Token, error) {
	var t Token
	var access, refresh []byte
	var exp sql.NullInt64
	err := s.r.QueryRowContext(ctx, "SELECT access_token, refresh_token, token_type, expiry FROM tokens WHERE account_id = ?", accountID).
		Scan(&access, &refresh, &t.TokenType, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("%w: token of account %s", ErrNotFound, accountID)
	} else if err != nil {
		return Token{}, err
	}
	a, err := s.seal.open("token/"+accountID+"/access", access)
	if err != nil {
		return Token{}, err
	}
	r, err := s.seal.open("token/"+accountID+"/refresh", refresh)
	if err != nil {
		return Token{}, err
	}
	t.AccessToken, t.RefreshToken, t.Expiry = string(a), string(r), fromNanos(exp)
	return t, nil
}

// SetPolling sets an account's "polling" switch; ErrNotFound when there is
// no such account.
func (s *Store) SetPolling(ctx context.Context, accountID string, on bool) error {
	res, err := s.exec(ctx, "UPDATE accounts SET polling = ? WHERE id = ?", on, accountID)
	return affected(res, err)
}

// Polling returns an account's "polling" switch: true unless it was turned
// off (also for an unknown account).
func (s *Store) Polling(ctx context.Context, accountID string) (bool, error) {
	var on bool
	err := s.r.QueryRowContext(ctx, "SELECT polling FROM accounts WHERE id = ?", accountID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return on, err
}

// affected turns "no row changed" into ErrNotFound.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
