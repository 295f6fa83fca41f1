-- The first schema. Times are Unix nanoseconds (UTC); NULL is "no time".
-- Secret columns hold AES-256-GCM ciphertexts (see crypto.go).

CREATE TABLE meta (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

CREATE TABLE app (
	client_id     TEXT PRIMARY KEY,
	client_secret BLOB NOT NULL,
	seq           INTEGER NOT NULL
);

CREATE TABLE accounts (
	id       TEXT PRIMARY KEY,
	region   TEXT NOT NULL,
	scopes   TEXT NOT NULL,
	added_at INTEGER,
	polling  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE tokens (
	account_id    TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	access_token  BLOB NOT NULL,
	refresh_token BLOB NOT NULL,
	token_type    TEXT NOT NULL,
	expiry        INTEGER
);

CREATE TABLE overrides (
	unique_id TEXT PRIMARY KEY,
	enabled   INTEGER,
	name      TEXT NOT NULL,
	interval  INTEGER NOT NULL
);

CREATE TABLE states (
	id           INTEGER PRIMARY KEY,
	entity_id    TEXT NOT NULL,
	state        TEXT NOT NULL,
	attributes   BLOB,
	last_changed INTEGER,
	last_updated INTEGER NOT NULL,
	context_id   TEXT NOT NULL
);
CREATE INDEX states_entity ON states(entity_id);

CREATE TABLE usage (
	account  TEXT NOT NULL,
	device   TEXT NOT NULL,
	category TEXT NOT NULL,
	month    TEXT NOT NULL,
	count    INTEGER NOT NULL,
	PRIMARY KEY (account, device, category, month)
);

CREATE TABLE sessions (
	name TEXT PRIMARY KEY,
	data BLOB NOT NULL
);

CREATE TABLE snapshots (
	kind TEXT NOT NULL,
	key  TEXT NOT NULL,
	data BLOB NOT NULL,
	at   INTEGER,
	PRIMARY KEY (kind, key)
);
