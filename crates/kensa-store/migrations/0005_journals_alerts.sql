-- kensa store, schema 5: remediation journals (what was changed, how to undo it) and
-- CloudTrail alerts (each stored once, by its dedup key).
CREATE TABLE remediation_journals (
    id {ID},
    -- The journal's id as `kensa remediate apply` names its directory.
    journal_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    mode TEXT NOT NULL,
    plan TEXT NOT NULL,
    -- Where the journal files are (the machine that applied it), when known.
    journal_dir TEXT,
    state TEXT NOT NULL,
    state_message TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    rolled_back_at TEXT,
    rolled_back_by TEXT
);
CREATE INDEX remediation_journals_created ON remediation_journals(created_at, id);
CREATE TABLE remediation_actions (
    id {ID},
    journal {INT} NOT NULL REFERENCES remediation_journals(id) ON DELETE CASCADE,
    action_id TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    action TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    rollback_report TEXT,
    state TEXT NOT NULL,
    messages TEXT NOT NULL,
    applied_at TEXT,
    verified_at TEXT,
    rolled_back_at TEXT,
    UNIQUE (journal, action_id)
);
CREATE TABLE trail_alerts (
    id {ID},
    dedup_key TEXT NOT NULL UNIQUE,
    rule TEXT NOT NULL,
    priority TEXT NOT NULL,
    -- 0 emergency .. 7 debug: "priority at or above" is rank <= n.
    priority_rank {INT} NOT NULL,
    event_id TEXT,
    event_name TEXT,
    event_time TEXT,
    account TEXT,
    region TEXT,
    principal TEXT,
    resource TEXT,
    output TEXT NOT NULL,
    origin TEXT NOT NULL,
    body TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE INDEX trail_alerts_rule ON trail_alerts(rule, id);
CREATE INDEX trail_alerts_rank ON trail_alerts(priority_rank, id);
CREATE INDEX trail_alerts_time ON trail_alerts(event_time);
