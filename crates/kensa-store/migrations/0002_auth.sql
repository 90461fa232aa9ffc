-- kensa store, schema 2: API tokens (argon2 hashes only), browser sessions (SHA-256
-- of the cookie secret only) and the audit log of who changed what.
CREATE TABLE api_tokens (
    id {ID},
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    lookup TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE browser_sessions (
    secret_sha256 TEXT PRIMARY KEY,
    token_id {INT} NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX browser_sessions_token ON browser_sessions(token_id);
CREATE TABLE audit_log (
    id {ID},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    token_id {INT},
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
