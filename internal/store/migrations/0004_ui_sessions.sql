-- The web UI's sign-in: its password (a bcrypt hash, in meta as
-- 'ui_password') and its browser sessions. Only the SHA-256 of a session
-- id is kept, so a copy of the database signs no one in.
CREATE TABLE ui_sessions (
	hash       TEXT PRIMARY KEY,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
