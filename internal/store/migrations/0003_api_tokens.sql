-- Long-lived REST API tokens: only the SHA-256 of each token (hex) is
-- kept; the token itself is shown once, when it is made.
CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	last_used  INTEGER
);
