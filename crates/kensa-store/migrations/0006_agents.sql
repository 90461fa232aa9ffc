-- kensa store, schema 6: host agents, their enrollment tokens and telemetry uploads.
-- Secrets are kept as SHA-256 hex of 32 random bytes (high entropy: no slow hash needed).
CREATE TABLE agent_enrollment_tokens (
    id {ID},
    name TEXT NOT NULL UNIQUE,
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    hostname TEXT NOT NULL,
    credential_sha256 TEXT NOT NULL UNIQUE,
    enrolled_with TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    agent_version TEXT,
    last_heartbeat_at TEXT,
    last_upload_at TEXT,
    last_sequence {INT} NOT NULL DEFAULT 0
);
CREATE TABLE agent_uploads (
    agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    upload_id TEXT NOT NULL,
    sequence {INT} NOT NULL,
    received_at TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    compressed_bytes {INT} NOT NULL,
    telemetry TEXT NOT NULL,
    PRIMARY KEY (agent_id, upload_id)
);
CREATE INDEX agent_uploads_sequence ON agent_uploads(agent_id, sequence);
CREATE TABLE agent_rejections (
    id {ID},
    agent_id TEXT,
    remote TEXT,
    status {INT} NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
