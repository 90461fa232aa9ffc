-- kensa store, schema 9: what `kensa serve` needs to stay fast and to recover.
--
-- The overview counts active findings by package and severity: this index answers that
-- from the index alone (no finding row read, however many millions there are). It
-- starts with findings_status's columns, so it replaces that index.
CREATE INDEX findings_status_package_severity ON findings(status, package, severity);
DROP INDEX findings_status;
-- A unit of a live run that was claimed `max_attempts` times and never finished (it
-- kills or stalls every worker that takes it) is given up: FAILED, with why here. The
-- run completes without it and says which account and region it could not assess.
ALTER TABLE run_units ADD COLUMN failure TEXT;
-- When the running rollback of a journal started: a rollback whose process died
-- leaves the journal `rolling-back`; an admin may reset it once it is old enough that
-- no live rollback can still be at work.
ALTER TABLE remediation_journals ADD COLUMN rollback_started_at TEXT;
