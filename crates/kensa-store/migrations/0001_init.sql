-- kensa store, schema 1. One source for both backends: {ID} is the auto-increment
-- primary key and {INT} the integer type of the dialect (INTEGER on SQLite, BIGINT on
-- PostgreSQL, so every integer reads back as i64).
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE account_regions (
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    region TEXT NOT NULL,
    PRIMARY KEY (account_id, region)
);
CREATE TABLE snapshots (
    id {ID},
    source TEXT NOT NULL,
    location TEXT,
    content_hash TEXT NOT NULL,
    accounts TEXT NOT NULL,
    regions TEXT NOT NULL,
    instances {INT} NOT NULL,
    warnings {INT} NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX snapshots_hash ON snapshots(content_hash);
CREATE TABLE resource_groups (
    id {ID},
    created_at TEXT NOT NULL
);
CREATE TABLE resource_group_tags (
    group_id {INT} NOT NULL REFERENCES resource_groups(id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (group_id, tag_key, tag_value)
);
CREATE TABLE targets (
    id {ID},
    name TEXT NOT NULL UNIQUE,
    accounts TEXT NOT NULL,
    regions TEXT NOT NULL,
    resource_group_id {INT} REFERENCES resource_groups(id),
    created_at TEXT NOT NULL
);
CREATE TABLE templates (
    id {ID},
    name TEXT NOT NULL UNIQUE,
    target_id {INT} NOT NULL REFERENCES targets(id),
    packages TEXT NOT NULL,
    framework TEXT,
    user_attributes TEXT NOT NULL,
    subscriptions TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE runs (
    id {ID},
    template_id {INT} NOT NULL REFERENCES templates(id),
    snapshot_id {INT} REFERENCES snapshots(id),
    state TEXT NOT NULL,
    state_reason TEXT,
    host TEXT NOT NULL,
    pid {INT} NOT NULL,
    cancel_requested {INT} NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    completed_at TEXT,
    critical {INT} NOT NULL DEFAULT 0,
    high {INT} NOT NULL DEFAULT 0,
    medium {INT} NOT NULL DEFAULT 0,
    low {INT} NOT NULL DEFAULT 0,
    informational {INT} NOT NULL DEFAULT 0,
    resolved {INT} NOT NULL DEFAULT 0
);
CREATE INDEX runs_template ON runs(template_id);
CREATE INDEX runs_state ON runs(state);
CREATE TABLE run_states (
    run_id {INT} NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq {INT} NOT NULL,
    state TEXT NOT NULL,
    at TEXT NOT NULL,
    message TEXT,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    package TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    severity {INT} NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    attributes TEXT NOT NULL,
    user_attributes TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    first_run {INT} NOT NULL,
    last_run {INT} NOT NULL,
    resolved_at TEXT,
    resolved_by_run {INT}
);
CREATE INDEX findings_package_severity ON findings(package, severity, id);
CREATE INDEX findings_severity ON findings(severity, id);
CREATE INDEX findings_resource ON findings(resource_id);
CREATE INDEX findings_rule ON findings(rule_id);
CREATE INDEX findings_status ON findings(status, package);
CREATE TABLE finding_tags (
    finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (finding_id, tag_key)
);
CREATE INDEX finding_tags_key_value ON finding_tags(tag_key, tag_value, finding_id);
CREATE TABLE run_findings (
    run_id {INT} NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL REFERENCES findings(id),
    severity {INT} NOT NULL,
    PRIMARY KEY (run_id, finding_id)
);
CREATE INDEX run_findings_finding ON run_findings(finding_id);
CREATE TABLE exclusions (
    id {ID},
    run_id {INT} NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    scope_type TEXT NOT NULL,
    scope_value TEXT NOT NULL,
    attributes TEXT NOT NULL
);
CREATE INDEX exclusions_run ON exclusions(run_id);
CREATE TABLE mute_rules (
    id {ID},
    rule TEXT,
    resource TEXT,
    tags TEXT NOT NULL,
    account TEXT,
    region TEXT,
    reason TEXT NOT NULL,
    expires TEXT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
