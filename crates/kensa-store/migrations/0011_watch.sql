-- kensa store, schema 11: continuous protection (`kensa watch --store`, `kensa serve
-- --watch`). The watcher's sessions, the remediation policies in force and what they
-- did live here instead of the state directory's files, so the server can show them and
-- an operator can approve a pending remediation.
--
-- One row per CloudTrail source a watcher follows (the queue URL or s3://bucket/prefix):
-- where its model started (the snapshot directory and its hash), when it last applied
-- an event and resynced, and its counts. Rewritten by the watcher as it goes.
CREATE TABLE watch_sessions (
    source TEXT PRIMARY KEY,
    regions TEXT NOT NULL,
    model_ref TEXT NOT NULL,
    model_hash TEXT,
    policies_hash TEXT,
    state TEXT NOT NULL,
    message TEXT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_event_at TEXT,
    last_resync_at TEXT,
    drift_count {INT} NOT NULL,
    stats TEXT NOT NULL
);
-- Each policy file a watcher ran with, by the SHA-256 of its text.
CREATE TABLE watch_policies (
    hash TEXT PRIMARY KEY,
    yaml TEXT NOT NULL,
    first_used_at TEXT NOT NULL
);
-- Remediations by their deterministic id (event, policy, interface): a redelivered
-- event finds its row and never starts a second one. `body` is the whole remediation
-- as kensa-watch writes it; `state` is its state, `alerted` whether the watcher
-- alerted it (an outcome of an approval given elsewhere is not, until it does).
CREATE TABLE watch_remediations (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    policy TEXT NOT NULL,
    state TEXT NOT NULL,
    at_secs {INT} NOT NULL,
    alerted {INT} NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX watch_remediations_state ON watch_remediations(state, id);
