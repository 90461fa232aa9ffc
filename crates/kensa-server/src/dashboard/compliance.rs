//! Compliance per framework for one run: every built-in framework's standing (controls
//! passed, failed, not applicable, not evaluated), then the chosen framework's controls
//! with their resource counts and, for a failing control, the failing resources and
//! why, each linked to its findings. Computed from the run's snapshot with one
//! reachability analysis for every framework (the store keeps no per-control results).
use axum::extract::{Query, State};
use kensa_model::{ComplianceReport, ControlResult, ControlStatus};
use kensa_store::{Run, RunState};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{page, severity, time, Nav};
use super::page::{link, ok, PageResult, SignedIn, Viewer};
use crate::api::run_snapshot::{blocking, snapshot_of};
use crate::error::ApiError;
use crate::state::AppState;

/// Assessed runs offered in the run picker.
const PICKER_RUNS: usize = 30;

/// The page's choices, as typed (empty: the latest assessed run; the template's
/// framework, else fsbp).
#[derive(Debug, Default, Deserialize)]
pub struct Choice {
    #[serde(default)]
    run: String,
    #[serde(default)]
    framework: String,
}

/// A run that got as far as assessing a snapshot (lists do not carry the snapshot;
/// a run without one is a 409 when chosen).
fn assessed(r: &Run) -> bool {
    matches!(r.state, RunState::Completed | RunState::CompletedWithErrors)
}

/// The compliance page (`/compliance?run=ID&framework=ID`).
pub async fn show(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Query(q): Query<Choice>,
) -> PageResult {
    let runs: Vec<Run> = state
        .store
        .runs(None)
        .await?
        .into_iter()
        .filter(assessed)
        .take(PICKER_RUNS)
        .collect();
    // The list's runs carry no snapshot: the chosen run is read whole.
    let run = match q.run.trim() {
        "" => match runs.first() {
            Some(r) => state.store.run(r.id).await?,
            None => {
                let body = html! {
                    h1 { "Compliance" }
                    p.muted { "No completed run yet: compliance is computed from the snapshot a run assessed." }
                };
                return ok(page("Compliance", &caller, Nav::Compliance, None, body));
            }
        },
        id => {
            let id = id
                .parse::<i64>()
                .map_err(|_| ApiError::bad_request(format!("run `{id}`: not a number")))?;
            state.store.run(id).await?
        }
    };
    let chosen = match q.framework.trim() {
        "" => state
            .store
            .template(&run.template)
            .await
            .ok()
            .and_then(|t| t.framework)
            .unwrap_or_else(|| "fsbp".to_string()),
        f => f.to_string(),
    };
    let frameworks: Vec<_> = kensa_rules::frameworks()
        .iter()
        .filter_map(|f| kensa_rules::framework::builtin(&f.id))
        .collect();
    if !frameworks
        .iter()
        .any(|f| f.id.eq_ignore_ascii_case(&chosen))
    {
        let known: Vec<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();
        return Err(ApiError::bad_request(format!(
            "framework `{chosen}`: not a built-in framework (expected one of {})",
            known.join(", ")
        ))
        .into());
    }
    let snap = snapshot_of(&state, &run).await?;
    let source = run
        .snapshot
        .as_ref()
        .map(|s| s.location.clone().unwrap_or_else(|| s.source.clone()))
        .unwrap_or_default();
    let reports =
        blocking(move || kensa_assess::compliance::evaluate_all(&snap, &frameworks, &source, ""))
            .await?;
    let current = reports
        .iter()
        .find(|r| r.framework.eq_ignore_ascii_case(&chosen));
    let body = html! {
        h1 { "Compliance" }
        p.lede {
            "Run " a href={ "/runs/" (run.id) } { "#" (run.id) } " of "
            a href={ "/templates/" (super::page::encode(&run.template)) } { (run.template) }
            @if let Some(done) = &run.completed_at { ", finished " (time(done)) }
            ". Evaluated from the snapshot the run assessed."
        }
        (run_picker(&runs, &run, &chosen))
        (framework_table(&reports, run.id, &chosen))
        @if let Some(report) = current { (controls(report, run.id)) }
    };
    ok(page("Compliance", &caller, Nav::Compliance, None, body))
}

fn page_link(run: i64, framework: &str) -> String {
    link(
        "/compliance",
        &[
            ("run", run.to_string()),
            ("framework", framework.to_string()),
        ],
    )
}

fn run_picker(runs: &[Run], run: &Run, framework: &str) -> Markup {
    html! {
        form.inline.card method="get" action="/compliance" {
            label { "Run"
                select name="run" {
                    @if !runs.iter().any(|r| r.id == run.id) {
                        option value=(run.id) selected { "#" (run.id) " " (run.template) }
                    }
                    @for r in runs {
                        option value=(r.id) selected[r.id == run.id] {
                            "#" (r.id) " " (r.template) " (" (r.created_at.get(..16).unwrap_or(&r.created_at).replace('T', " ")) ")"
                        }
                    }
                }
            }
            input type="hidden" name="framework" value=(framework);
            button type="submit" { "Show" }
        }
    }
}

fn framework_table(reports: &[ComplianceReport], run: i64, chosen: &str) -> Markup {
    html! {
        section.card {
            h2 { "Frameworks" }
            table.data.frameworks {
                thead { tr {
                    th { "Framework" } th.num { "Controls" } th.num { "Passed" } th.num { "Failed" }
                    th.num { "Not applicable" } th.num { "Not evaluated" } th { "Passing" }
                } }
                tbody { @for r in reports {
                    @let s = &r.summary;
                    @let judged = s.passed + s.failed;
                    tr class=[r.framework.eq_ignore_ascii_case(chosen).then_some("selected")] {
                        td { a href=(page_link(run, &r.framework)) { (r.framework_title) } div.muted.small { code { (r.framework) } } }
                        td.num { (r.controls.len()) }
                        td.num { (s.passed) }
                        td.num { @if s.failed > 0 { strong.bad { (s.failed) } } @else { "0" } }
                        td.num { (s.not_applicable) }
                        td.num { (s.not_evaluated) }
                        td.meter {
                            meter min="0" max=(judged.max(1)) value=(s.passed) title={ (s.passed) " of " (judged) " judged controls pass" } {}
                        }
                    }
                } }
            }
        }
    }
}

/// A control status as a coloured label.
fn control_state(s: ControlStatus) -> Markup {
    let class = match s {
        ControlStatus::Passed => "ok",
        ControlStatus::Failed => "bad",
        ControlStatus::NotEvaluated => "warn",
        ControlStatus::NotApplicable => "na",
    };
    html! { span class={ "state state-" (class) } { (s.as_str()) } }
}

fn controls(report: &ComplianceReport, run: i64) -> Markup {
    let s = &report.summary;
    html! {
        section.card {
            h2 { (report.framework_title) }
            p.muted {
                (s.passed) " passed · " (s.failed) " failed · " (s.not_applicable) " not applicable"
                @if s.not_evaluated > 0 { " · " (s.not_evaluated) " not evaluated (input missing)" }
                @if s.suppressed_findings > 0 { " · " (s.suppressed_findings) " failing resources muted" }
            }
            table.data.controls {
                thead { tr {
                    th { "Control" } th { "Title" } th { "Severity" } th { "Status" }
                    th.num { "Passed" } th.num { "Failed" } th.num { "Muted" } th.num { "N/A" }
                } }
                tbody { @for c in &report.controls { (control_rows(c, run)) } }
            }
        }
    }
}

fn control_rows(c: &ControlResult, run: i64) -> Markup {
    html! {
        tr id={ "control-" (c.control) } {
            td { code { (c.control) } }
            td { (c.title) div.muted.small { code { (c.rule_id) } } }
            td { (severity(c.severity)) }
            td { (control_state(c.status)) }
            td.num { (c.passed) }
            td.num { (c.failed) }
            td.num { (c.suppressed) }
            td.num { (c.not_applicable) }
        }
        @if let Some(reason) = &c.reason {
            tr.detail { td {} td colspan="7" { span.muted { (reason) } } }
        }
        @if !c.failures.is_empty() {
            tr.detail { td {} td colspan="7" {
                details open[c.failures.len() <= 5] {
                    summary { (c.failures.len()) " failing resource(s)" }
                    table.failures { tbody { @for f in &c.failures {
                        tr {
                            td { a href=(link("/findings", &[("run", run.to_string()), ("resource", f.resource_id.clone())])) { code.wrap { (f.resource_id) } } }
                            td.muted { (f.resource_type) }
                            td { (f.reason) @if f.suppressed { " " span.status { "muted" } } }
                        }
                    } } }
                }
            } }
        }
    }
}
