// Package store keeps teslafleet's state in one SQLite database (the pure
// Go modernc.org/sqlite driver through database/sql): the application's
// credentials, the accounts and their tokens, entity overrides and the
// polling switch, the state history, the cost ledger, the Vehicle Command
// Protocol session cache and the sources' last snapshots. It imports no
// other teslafleet package: its types are its own, and app adapts them to
// the interfaces their consumers declare.
//
// # Files and durability
//
// Open creates the data directory (0700) with two files: teslafleet.db
// (with its -wal and -shm while open) and store.key. The database runs in
// WAL mode with synchronous=FULL, so a committed transaction survives a
// crash or a power loss, with foreign keys and a busy timeout. One
// connection writes (every write is one transaction, serialised); a small
// pool reads beside it. Close commits the queued history, checkpoints the
// WAL into the database and closes it.
//
// # Schema
//
// The schema is a list of embedded SQL steps (migrations/NNNN_name.sql);
// PRAGMA user_version records how many have run, and Open runs the rest,
// one transaction each, so an older database is upgraded in place. A
// database whose version is newer than the binary knows is refused with
// ErrSchemaTooNew rather than misread.
//
// # Secrets
//
// Client secrets, access and refresh tokens and session caches are sealed
// with AES-256-GCM: a random nonce per value and the row's identity (e.g.
// "token/<account>/refresh") as additional data, so a value moved to
// another row does not decrypt. The 32-byte key is the whole of store.key,
// created (mode 0600, from crypto/rand) on first start. A database whose
// key file is missing is ErrKeyMissing, never a silent reset; a key that
// does not match the database is ErrDecrypt, at Open (a sealed check value
// in the meta table) and for any secret that does not decrypt. A backup
// needs both files; keep the key's copy apart from the database's.
//
// Long-lived REST API tokens are not sealed but hashed: api_tokens keeps
// the hex SHA-256 of each 32-byte random token (CreateAPIToken returns the
// token once), so a copy of the database does not reveal a usable token.
//
// # History
//
// Record never blocks: it puts a change in a bounded queue (Options.
// HistoryQueue) or, when the queue is full, drops it and counts it
// (Dropped). One goroutine commits the queue in batches (up to 256 changes,
// or what arrived within 100 ms of the first), so a burst costs few disk
// syncs; a change is acknowledged (Flush returns) only once committed.
// History reads the state at a start time and the changes up to an end
// time through an (entity_id, last_updated) index. Prune deletes changes
// older than the retention (30 days by default), hourly, but keeps each
// entity's last change before the cut so its state there stays known.
package store
