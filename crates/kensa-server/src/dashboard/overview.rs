//! The overview: active findings by severity and by package (one grouped query; each a
//! link to the filtered list), the trend over the last runs, and the latest runs.
use axum::extract::State;
use kensa_model::Severity;
use kensa_store::{Run, RunState};
use maud::html;

use super::layout::{page, severity, Nav};
use super::page::{link, ok, PageResult, SignedIn, Viewer};
use super::{chart, runs::run_table};
use crate::state::AppState;

/// Runs in the trend chart and in the latest-runs table.
const TREND_RUNS: usize = 20;
const LATEST_RUNS: usize = 8;

pub async fn show(State(state): State<AppState>, SignedIn(caller): Viewer) -> PageResult {
    let counts = state.store.active_counts().await?;
    let by_severity: Vec<(Severity, i64)> = Severity::ALL
        .into_iter()
        .map(|s| {
            let n = counts
                .iter()
                .filter(|c| c.severity == s)
                .map(|c| c.count)
                .sum();
            (s, n)
        })
        .collect();
    let mut by_package: Vec<(String, i64)> = Vec::new();
    for c in &counts {
        match by_package.last_mut() {
            Some((p, n)) if *p == c.package => *n += c.count,
            _ => by_package.push((c.package.clone(), c.count)),
        }
    }
    by_package.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
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
                                th { a href=(active(vec![("package", p.clone())])) { (p) } }
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
