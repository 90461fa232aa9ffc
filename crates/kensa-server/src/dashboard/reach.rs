//! "Can A reach B?": kensa-net's path engine asked about the snapshot a run assessed,
//! the answer drawn hop by hop like a finding's path.
use axum::extract::{Query, State};
use kensa_model::finding::PathStep;
use kensa_model::Snapshot;
use kensa_net::path::{PathAnswer, Verdict};
use kensa_store::{Run, RunState};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use std::borrow::Cow;

use super::layout::{page, Nav};
use super::page::{ok, PageResult, SignedIn, Viewer};
use crate::api::run_snapshot::snapshot_of;
use crate::error::ApiError;
use crate::state::AppState;

/// Runs offered in the form's list.
const RUNS_OFFERED: usize = 30;

#[derive(Debug, Default, Deserialize)]
pub struct Question {
    #[serde(default)]
    run: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    protocol: String,
    #[serde(default)]
    port: String,
}

fn ask(snap: &Snapshot, q: &Question) -> Result<PathAnswer, ApiError> {
    let port = match q.port.trim() {
        "" => None,
        p => Some(
            p.parse::<u16>()
                .map_err(|_| ApiError::bad_request(format!("port `{p}`: expected 0 to 65535")))?,
        ),
    };
    let protocol = if q.protocol.is_empty() {
        "tcp"
    } else {
        q.protocol.as_str()
    };
    crate::api::path::ask(snap, &q.from, &q.to, protocol, port)
}

fn form(q: &Question, runs: &[Run], chosen: i64) -> Markup {
    html! {
        form.filters.reach method="get" action="/reach" {
            label { "Run (its snapshot)"
                select name="run" {
                    @for r in runs {
                        option value=(r.id) selected[r.id == chosen] { "#" (r.id) " " (r.template) " (" (r.created_at.get(..10).unwrap_or("")) ")" }
                    }
                }
            }
            label { "From" input type="text" name="from" value=(q.from) placeholder="internet, 10.0.1.5, i-…, eni-…" required; }
            label { "To" input type="text" name="to" value=(q.to) placeholder="i-…, eni-…, load balancer, IP" required; }
            label { "Protocol"
                select name="protocol" {
                    @for p in ["tcp", "udp", "icmp", "icmpv6", "all"] {
                        option value=(p) selected[q.protocol == p] { (p) }
                    }
                }
            }
            label { "Port" input type="text" name="port" value=(q.port) placeholder="22"; }
            div.buttons { button type="submit" { "Trace" } }
        }
    }
}

fn answer_view(q: &Question, a: &PathAnswer) -> Markup {
    let (word, class) = match a.verdict {
        Verdict::Reachable => ("reachable", "bad"),
        Verdict::Blocked => ("blocked", "ok"),
        Verdict::Indeterminate => ("indeterminate", "warn"),
    };
    let steps: Vec<PathStep> = a
        .path
        .iter()
        .map(|h| PathStep {
            component_id: h.component_id.clone(),
            component_type: Cow::Owned(h.component_type.clone()),
        })
        .collect();
    let protocol = if q.protocol.is_empty() {
        "tcp"
    } else {
        q.protocol.as_str()
    };
    let caption = format!(
        "{protocol} {} from {} to {}",
        q.port,
        q.from.trim(),
        q.to.trim()
    );
    let svg = kensa_report::assessment::trace_path_svg(
        "Source",
        q.from.trim(),
        &steps,
        &caption,
        730.0,
        1.3,
    );
    html! {
        section.card.path {
            h2 { span class={ "state state-" (class) } { (word) } " "
                @if let (Some(s), Some(d)) = (&a.source, &a.destination) { span.muted.small { (s) " → " (d) } } }
            div.drawing-wrap { (PreEscaped(svg)) }
            @if let Some(b) = &a.blocked_at {
                p { @if a.verdict == Verdict::Indeterminate { "Cannot tell past " } @else { "Blocked at " }
                    code { (b.component_id) } " (" (b.component_type) "): " code { (b.code.as_str()) } }
                @if let Some(r) = &b.reason { p.muted { (r) } }
            }
            ol.hops { @for h in &a.path { li { code { (h.component_id) } " " span.muted { (h.component_type) } } } }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Query(q): Query<Question>,
) -> PageResult {
    let runs: Vec<Run> = state
        .store
        .runs(None)
        .await?
        .into_iter()
        .filter(|r| matches!(r.state, RunState::Completed | RunState::CompletedWithErrors))
        .take(RUNS_OFFERED)
        .collect();
    let chosen = match q.run.trim() {
        "" => runs.first().map_or(0, |r| r.id),
        r => r
            .parse()
            .map_err(|_| ApiError::bad_request(format!("run `{r}`: not a number")))?,
    };
    let answer = if q.from.trim().is_empty() || q.to.trim().is_empty() {
        None
    } else {
        let run = state.store.run(chosen).await?;
        let snap = snapshot_of(&state, &run).await?;
        Some(ask(&snap, &q))
    };
    let body = html! {
        h1 { "Can A reach B?" }
        p.muted { "Traces one packet through the snapshot a run assessed: routes, network ACLs, security groups, gateways and load balancers, hop by hop." }
        @if runs.is_empty() { p.muted { "No completed run yet: start one first." } }
        @else { (form(&q, &runs, chosen)) }
        @match &answer {
            Some(Ok(a)) => (answer_view(&q, a)),
            Some(Err(e)) => p.error role="alert" { (e.detail) },
            None => {},
        }
    };
    ok(page("Can A reach B?", &caller, Nav::Reach, None, body))
}
