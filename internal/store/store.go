package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// File names in Options.Dir.
const (
	DBFile  = "teslafleet.db"
	KeyFile = "store.key"
)

// Defaults of Options.
const (
	DefaultRetention    = 30 * 24 * time.Hour
	DefaultHistoryQueue = 4096
)

// busyTimeout is how long a connection waits for another's lock.
const busyTimeout = 5 * time.Second

var (
	// ErrNotFound: no such row (token, account).
	ErrNotFound = errors.New("store: not found")
	// ErrKeyMissing: the database exists but its key file does not.
	ErrKeyMissing = errors.New("store: key file missing")
	// ErrSchemaTooNew: the database was written by a newer teslafleet.
	ErrSchemaTooNew = errors.New("store: database schema is newer than this teslafleet")
	// ErrDecrypt: a secret does not decrypt with the key file's key (the
	// wrong key file, or corrupted data).
	ErrDecrypt = errors.New("store: cannot decrypt: the key file does not match the database, or the data is corrupted")
)

// Options configure Open. Only Dir is required.
type Options struct {
	Dir          string        // data directory; created (0700) if missing
	Retention    time.Duration // history kept; default 30 days
	HistoryQueue int           // Record's queue length; default 4096
	Logger       *slog.Logger  // default: discard
	Now          func() time.Time
}

// Store is the SQLite database of one teslafleet instance. Its methods are
// safe for concurrent use.
type Store struct {
	w    *sql.DB // the one writer connection
	r    *sql.DB // readers (WAL lets them run beside the writer)
	seal sealer
	log  *slog.Logger
	now  func() time.Time
	ret  time.Duration

	hist    *historyWriter
	stop    chan struct{}
	wg      sync.WaitGroup
	closeMu sync.Once
	errC    error
}

// Open opens (creating if needed) the store in o.Dir: the key file, the
// database and its schema (migrating it in place); it starts the history
// writer and the hourly prune.
func Open(ctx context.Context, o Options) (*Store, error) {
	return open(ctx, o, 0)
}

// open is Open that migrates to schemaTarget only (0: the newest), for
// tests of the migrations.
func open(ctx context.Context, o Options, schemaTarget int) (*Store, error) {
	if o.Dir == "" {
		return nil, errors.New("store: no data directory")
	}
	if strings.ContainsRune(o.Dir, '?') {
		return nil, fmt.Errorf("store: data directory %q: '?' is not supported", o.Dir)
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.HistoryQueue <= 0 {
		o.HistoryQueue = DefaultHistoryQueue
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	dbPath := filepath.Join(o.Dir, DBFile)
	key, err := loadKey(filepath.Join(o.Dir, KeyFile), dbPath, o.Logger)
	if err != nil {
		return nil, err
	}
	seal, err := newSealer(key)
	if err != nil {
		return nil, err
	}

	w, err := openDB(dbPath, false)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	s := &Store{w: w, seal: seal, log: o.Logger, now: o.Now, ret: o.Retention, stop: make(chan struct{})}
	if err := s.setup(ctx, schemaTarget); err != nil {
		w.Close()
		return nil, err
	}
	if s.r, err = openDB(dbPath, true); err != nil {
		w.Close()
		return nil, err
	}
	s.r.SetMaxOpenConns(4)

	s.hist = newHistoryWriter(s, o.HistoryQueue)
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.hist.run() }()
	go func() { defer s.wg.Done(); s.pruneLoop() }()
	return s, nil
}

// openDB opens the database with the pragmas every connection needs: WAL,
// synchronous=FULL (a commit is on disk when it returns, even across power
// loss), a busy timeout and foreign keys; readers are query-only.
func openDB(path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate") // a writer takes its lock at BEGIN
	}
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// setup checks the journal mode, migrates, and checks the key against the
// database's key check value (writing it on first start).
func (s *Store) setup(ctx context.Context, schemaTarget int) error {
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("store: open database: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("store: journal mode is %q, want wal", mode)
	}
	if err := migrate(ctx, s.w, schemaTarget); err != nil {
		return err
	}
	const aad = "meta/keycheck"
	var check []byte
	err := s.w.QueryRowContext(ctx, "SELECT value FROM meta WHERE name = 'keycheck'").Scan(&check)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = s.w.ExecContext(ctx, "INSERT INTO meta(name, value) VALUES ('keycheck', ?)", s.seal.seal(aad, []byte("teslafleet")))
		return err
	case err != nil:
		return err
	}
	if _, err := s.seal.open(aad, check); err != nil {
		return fmt.Errorf("%w (key file %s)", err, KeyFile)
	}
	return nil
}

// Close flushes the history queue, stops the prune, checkpoints the WAL
// into the database and closes it. Later calls return the first result.
func (s *Store) Close() error {
	s.closeMu.Do(func() {
		s.hist.close() // drains and commits what was queued
		close(s.stop)
		s.wg.Wait()
		errR := s.r.Close()
		_, errCk := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		s.errC = errors.Join(errR, errCk, s.w.Close())
	})
	return s.errC
}

// tx runs f in one write transaction and commits it: durably, as the
// connection is synchronous=FULL.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// exec runs one statement as its own transaction.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.w.ExecContext(ctx, query, args...)
}

// nanos stores a time as Unix nanoseconds; the zero time is NULL.
func nanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

// fromNanos is nanos' inverse; times come back in UTC.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}
