//! The overview: active findings by severity and by package (each a link to the
//! filtered list), the trend over the last runs, and the latest runs.
use axum::extract::State;
use kensa_model::{FindingStatus, Severity};
use kensa_store::{FindingFilter, Run, RunState};
use maud::html;

use super::layout::{page, severity, Nav};
use super::page::{link, ok, PageResult, SignedIn, Viewer};
use super::{chart, runs::run_table};
use crate::state::AppState;

/// Runs in the trend chart and in the latest-runs table.
const TREND_RUNS: usize = 20;
const LATEST_RUNS: usize = 8;

async fn active_count(state: &AppState, f: FindingFilter) -> Result<i64, kensa_store::StoreError> {
    let filter = FindingFilter {
        statuses: vec![FindingStatus::Active],
        ..f
    };
    state.store.count_findings(&filter).await
}

pub async fn show(State(state): State<AppState>, SignedIn(caller): Viewer) -> PageResult {
    let mut by_severity = Vec::new();
    for s in Severity::ALL {
        let f = FindingFilter {
            severities: vec![s],
            ..Default::default()
        };
        by_severity.push((s, active_count(&state, f).await?));
    }
    let mut by_package = Vec::new();
    for p in kensa_store::TEMPLATE_PACKAGES {
        let f = FindingFilter {
            packages: vec![p.as_str().to_string()],
            ..Default::default()
        };
        let n = active_count(&state, f).await?;
        if n > 0 {
            by_package.push((p, n));
        }
    }
    let runs = state.store.runs(None).await?;
    let finished: Vec<Run> = runs
        .iter()
        .filter(|r| matches!(r.state, RunState::Completed | RunState::CompletedWithErrors))
        .take(TREND_RUNS)
        .cloned()
        .collect();
    let total: i64 = by_severity.iter().map(|(_, n)| n).sum();
    let active = |pairs: Vec<(&str, String)>| {
        let mut all = vec![("status", "active".to_string())];
        all.extend(pairs);
        link(
            "/findings",
            &all.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>(),
        )
    };
    let body = html! {
        h1 { "Overview" }
        section.tiles aria-label="Active findings by severity" {
            a.tile.total href=(active(vec![])) {
                span.count { (total) } span.label { "active findings" }
            }
            @for (s, n) in &by_severity {
                a class={ "tile tile-" (s.as_str().to_ascii_lowercase()) }
                    href=(active(vec![("severity", s.as_str().to_ascii_lowercase())])) {
                    span.count { (n) } span.label { (severity(*s)) }
                }
            }
        }
        div.columns {
            section.card {
                h2 { "Trend over the last runs" }
                (chart::trend(&finished))
            }
            section.card.narrow-col {
                h2 { "Active findings by package" }
                @if by_package.is_empty() {
                    p.muted { "No active findings." }
                } @else {
                    table.bars {
                        @for (p, n) in &by_package {
                            tr {
                                th { a href=(active(vec![("package", p.as_str().to_string())])) { (p.as_str()) } }
                                td.num { (n) }
                                td.meter { meter min="0" max=(total.max(1)) value=(n) {} }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { "Latest runs " a.small href="/runs" { "all runs →" } }
            (run_table(&runs[..runs.len().min(LATEST_RUNS)]))
        }
    };
    ok(page("Overview", &caller, Nav::Overview, None, body))
}
