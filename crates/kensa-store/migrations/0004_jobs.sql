-- kensa store, schema 4: schedules, the work queue with its leases, live workers, and
-- the role each AWS account is assessed through.
--
-- A schedule lives beside its template (templates are immutable; a schedule can be
-- changed or removed without recreating the template). `last_fire_at` is the cron time
-- of the last fire, not the wall-clock time it happened: the next due time is computed
-- from it, so a server down for N periods fires once when it comes back.
CREATE TABLE schedules (
    template_id {INT} PRIMARY KEY REFERENCES templates(id) ON DELETE CASCADE,
    cron TEXT NOT NULL,
    input TEXT NOT NULL,
    last_fire_at TEXT,
    last_run_id {INT},
    created_at TEXT NOT NULL,
    updated_by TEXT
);
-- Queued runs. A worker owns a run while `lease_expires_at` is in the future; it
-- renews the lease by heartbeat. A lease that expired is free for any worker.
CREATE TABLE run_queue (
    run_id {INT} PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    input TEXT NOT NULL,
    lease_owner TEXT,
    lease_expires_at TEXT,
    previous_owner TEXT,
    attempts {INT} NOT NULL DEFAULT 0,
    queued_at TEXT NOT NULL
);
CREATE INDEX run_queue_lease ON run_queue(lease_expires_at);
-- Worker processes (`kensa serve --worker`), for "are there workers?" and operators.
CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid {INT} NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);
-- The IAM role kensa assumes to collect an account, and its ExternalId (set by an admin).
CREATE TABLE account_roles (
    account_id TEXT PRIMARY KEY,
    role_arn TEXT NOT NULL,
    external_id TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT
);
-- A live run's collection, split into units of one account × one region so several
-- workers share it. A unit is PENDING until a worker stores what it collected (DONE);
-- it is claimed under a lease like a run, and a unit whose worker died is claimed
-- again once its lease expires. `attempts` counts claims and fences the write of the
-- result: only the claim that holds the lease can mark the unit DONE.
CREATE TABLE run_units (
    run_id {INT} NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    state TEXT NOT NULL,
    lease_owner TEXT,
    lease_expires_at TEXT,
    attempts {INT} NOT NULL DEFAULT 0,
    collected_by TEXT,
    result TEXT,
    done_at TEXT,
    PRIMARY KEY (run_id, account_id, region)
);
CREATE INDEX run_units_pending ON run_units(state, lease_expires_at);
