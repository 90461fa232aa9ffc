//! What changed between two runs: new, resolved and re-rated findings (unchanged ones
//! only counted). Counts come from SQL aggregates and only the rows drawn are read, so
//! the page costs the same on a large account.
use axum::extract::{Path, State};
use kensa_store::{DiffEntry, DiffKind};
use maud::{html, Markup};

use super::layout::{page, severity, Nav};
use super::page::{encode, ok, PageResult, SignedIn, Viewer};
use crate::state::AppState;

/// Rows drawn per kind of change.
const ROWS_PER_KIND: i64 = 200;

/// The run of the same template just before `run`, if any (for the run page's link).
pub async fn previous_run(state: &AppState, template: &str, run: i64) -> Option<i64> {
    let runs = state.store.runs(Some(template)).await.ok()?;
    runs.iter().map(|r| r.id).filter(|id| *id < run).max()
}

fn rows(entries: &[&DiffEntry], total: i64) -> Markup {
    html! {
        table.data {
            thead { tr { th { "Severity" } th { "Finding" } th { "Resource" } th { "Package" } } }
            tbody { @for e in entries { tr {
                td {
                    @match (e.severity_a, e.severity_b) {
                        (Some(a), Some(b)) if a != b => { (severity(a)) " → " (severity(b)) }
                        (_, Some(b)) => (severity(b)),
                        (Some(a), None) => (severity(a)),
                        (None, None) => {},
                    }
                }
                td { a href={ "/findings/" (encode(&e.id)) } { (e.title) } div.muted.small { code { (e.rule_id) } } }
                td { code { (e.resource_id) } }
                td { (e.package) }
            } } }
        }
        @if total > entries.len() as i64 {
            p.muted { "The worst " (entries.len()) " of " (total) " shown; the API's "
                code { "GET /api/v1/runs/{id}/diff/{other}" } " has them all." }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Path((a, b)): Path<(i64, i64)>,
) -> PageResult {
    let diff = state.store.diff_summary(a, b, ROWS_PER_KIND).await?;
    let of = |kind: DiffKind| -> Vec<&DiffEntry> {
        diff.entries.iter().filter(|e| e.kind == kind).collect()
    };
    let sections = [
        (DiffKind::New, "New", "seen by run #{b}, not by #{a}"),
        (DiffKind::Resolved, "Gone", "seen by run #{a}, not by #{b}"),
        (
            DiffKind::ChangedSeverity,
            "Severity changed",
            "seen by both, rated differently",
        ),
    ];
    let body = html! {
        h1 { "Run #" (a) " → run #" (b) }
        p.lede {
            a href={ "/runs/" (a) } { "#" (a) } " compared with " a href={ "/runs/" (b) } { "#" (b) } ": "
            strong { (diff.count(DiffKind::New)) } " new, "
            strong { (diff.count(DiffKind::Resolved)) } " gone, "
            strong { (diff.count(DiffKind::ChangedSeverity)) } " re-rated, "
            (diff.count(DiffKind::Unchanged)) " unchanged."
        }
        @for (kind, title, note) in sections {
            @let entries = of(kind);
            @let total = diff.count(kind);
            section.card {
                h2 { (title) " (" (total) ") " span.muted.small { (note.replace("{a}", &a.to_string()).replace("{b}", &b.to_string())) } }
                @if entries.is_empty() { p.muted { "None." } } @else { (rows(&entries, total)) }
            }
        }
    };
    ok(page(
        &format!("Run #{a} → #{b}"),
        &caller,
        Nav::Runs,
        None,
        body,
    ))
}
