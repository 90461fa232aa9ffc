//! Continuous protection: each watcher's state (running or why it stopped, last event,
//! last resync, drift found by resyncs, counts) and the remediations its policies
//! planned — with, for operators, an Approve button on the pending ones (a form with
//! the session's CSRF token; refused to viewers whatever they send). The watcher
//! applies an approved plan on its next poll; its alerts are in the alerts feed.
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{html, Markup};

use super::layout::{csrf, page, time, Nav};
use super::page::{encode, ok, see_other, PageError, PageResult, SignedIn, Viewer};
use crate::api::watch::approve_remediation;
use crate::auth::{Caller, Role};
use crate::state::AppState;

/// Remediations shown on the page.
const REMEDIATIONS_SHOWN: i64 = 100;

fn state_class(state: &str) -> &'static str {
    match state {
        "running" | "applied" => "state-ok",
        "failed" => "state-bad",
        "pending" => "state-warn",
        "approved" | "applying" => "state-busy",
        _ => "state-na",
    }
}

fn text(v: &serde_json::Value, key: &str) -> String {
    match &v[key] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => (a.iter())
            .filter_map(|x| x.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

fn approve_form(caller: &Caller, id: &str, state: &str) -> Markup {
    html! {
        @if caller.role >= Role::Operator && state == "pending" {
            form.approve method="post" action={ "/watch/remediations/" (encode(id)) "/approve" }
                data-confirm="Apply this remediation's plan in AWS (journaled; it can be rolled back)?" {
                (csrf(caller))
                button.danger type="submit" { "Approve" }
            }
        }
    }
}

pub async fn show(State(state): State<AppState>, SignedIn(caller): Viewer) -> PageResult {
    let sessions = state.store.watch_sessions().await?;
    let rems = (state.store)
        .watch_remediations(None, None, REMEDIATIONS_SHOWN)
        .await?;
    let body = html! {
        h1 { "Continuous protection" }
        p.lede { "Watchers applying CloudTrail change events to the network model ("
            code { "kensa serve --watch" } ", " code { "kensa watch --store" }
            "); their exposure alerts are in the " a href="/alerts" { "alerts feed" } "." }
        h2 { "Watchers" }
        @if sessions.is_empty() {
            p.muted { "No watcher has written to this store." }
        } @else {
            table.data.watchers {
                thead { tr {
                    th { "Source" } th { "State" } th { "Last event" } th { "Last resync" }
                    th { "Drift" } th { "Events" } th { "Alerts" } th { "Model" } th { "Updated" }
                } }
                tbody { @for s in &sessions { tr {
                    td { code.wrap { (s.source) } div.muted.small { (s.regions.join(", ")) } }
                    td { span class={ "state " (state_class(&s.state)) } { (s.state) }
                        @if !s.message.is_empty() { div.muted.small { (s.message) } } }
                    td { @if let Some(t) = &s.last_event_at { (time(t)) } @else { span.muted { "none yet" } } }
                    td { @if let Some(t) = &s.last_resync_at { (time(t)) } @else { span.muted { "none yet" } } }
                    td { (s.drift_count) }
                    td { (s.stats["events"].as_u64().unwrap_or(0)) }
                    td { (s.stats["alerts"].as_u64().unwrap_or(0)) }
                    td { code.wrap { (s.model_ref) } }
                    td { (time(&s.updated_at)) }
                } } }
            }
        }
        h2 { "Remediations" }
        @if rems.is_empty() {
            p.muted { "No remediation yet." }
        } @else {
            table.data.remediations {
                thead { tr {
                    th { "Id" } th { "State" } th { "Policy" } th { "Resource" } th { "Ports" }
                    th { "What" } th { "" }
                } }
                tbody { @for r in &rems { tr {
                    td { code { (r.id) } }
                    td { span class={ "state " (state_class(&r.state)) } { (r.state) } }
                    td { (r.policy) }
                    td { code.wrap { (text(&r.body, "resource")) } div.muted.small { (text(&r.body, "groups")) } }
                    td { (text(&r.body, "ports")) }
                    td { (text(&r.body, "message")) div.muted.small { (text(&r.body, "by")) } }
                    td { (approve_form(&caller, &r.id, &r.state)) }
                } } }
            }
        }
    };
    ok(page("Watch", &caller, Nav::Watch, Some(30), body))
}

/// Approves the remediation (operator) and shows the page again.
pub async fn approve(
    State(state): State<AppState>,
    SignedIn(caller): super::page::Operator,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    approve_remediation(&state, &caller, &id).await?;
    Ok(see_other("/watch"))
}
