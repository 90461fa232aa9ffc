-- kensa store, schema 8: the rules a run evaluated and every in-scope resource passed
-- (a `full` report lists them). `run_rule_summaries` says a run recorded them at all, so
-- a run stored before schema 8 reads as "not known" rather than "none passed".
CREATE TABLE run_rule_summaries (
    run_id {INT} PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    rules_evaluated {INT} NOT NULL
);
CREATE TABLE run_passed_rules (
    run_id {INT} NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    package TEXT NOT NULL,
    resources_evaluated {INT} NOT NULL,
    PRIMARY KEY (run_id, package, rule_id)
);
-- Resolution after a run looks for findings of a package, still open, last seen by an
-- earlier run: this index finds them without reading the findings' rows (a run that
-- saw all of a store's 800,000 findings has none to read).
CREATE INDEX findings_open_last_run ON findings(package, status, last_run);
