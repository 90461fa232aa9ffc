-- kensa store, schema 3: notification deliveries, recorded on their run.
CREATE TABLE run_notifications (
    id {ID},
    run_id {INT} NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    destination TEXT NOT NULL,
    finding_id TEXT,
    status TEXT NOT NULL,
    attempts {INT} NOT NULL,
    message TEXT,
    at TEXT NOT NULL
);
CREATE INDEX run_notifications_run ON run_notifications(run_id, id);
