-- kensa store, migration 8: exporting a run's findings to Security Hub reads the findings
-- the run resolved (to archive them there) a page at a time, in id order.
CREATE INDEX findings_resolved_by_run ON findings(resolved_by_run, id);
