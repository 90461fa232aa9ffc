-- kensa store, migration 10: a stored run writes less per finding.
--
-- findings_resolved_by_run (migration 8) held an entry for every finding, though only
-- resolved ones have a resolving run: every finding a run stored paid an insert into it
-- at a random place (ids are hashes). Partial, it holds the resolved findings only; the
-- export's `resolved_by_run = $1 AND id > $2 ORDER BY id` still reads it (an equality
-- on the column implies it is not NULL, on both SQLite and PostgreSQL).
DROP INDEX findings_resolved_by_run;
CREATE INDEX findings_resolved_by_run ON findings(resolved_by_run, id) WHERE resolved_by_run IS NOT NULL;
