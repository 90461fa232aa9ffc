//! Runs: the list with the start form (operators), a run's page (counts, snapshot,
//! state history, exclusions, where its notifications go), and cancel.
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use kensa_model::Severity;
use kensa_store::{ExclusionScope, Run};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, page, run_state, time, Nav};
use super::page::{link, ok, see_other, PageError, PageResult, SignedIn, Viewer};
use crate::api::runs::{launch, request_cancel};
use crate::auth::{Caller, Role};
use crate::state::AppState;

/// Runs on one page of the list.
const RUNS_PER_PAGE: usize = 50;

/// The runs table (overview and list).
pub fn run_table(runs: &[Run]) -> Markup {
    html! {
        @if runs.is_empty() {
            p.muted { "No runs yet." }
        } @else {
            table.data {
                thead { tr {
                    th { "Run" } th { "Template" } th { "State" } th { "Started" }
                    @for s in Severity::ALL { th.num { (s.as_str()) } }
                    th.num { "Resolved" }
                } }
                tbody {
                    @for r in runs {
                        tr {
                            td { a href={ "/runs/" (r.id) } { "#" (r.id) } }
                            td { a href={ "/templates/" (super::page::encode(&r.template)) } { (r.template) } }
                            td { (run_state(r.state)) }
                            td { (time(&r.created_at)) }
                            @for s in Severity::ALL {
                                td.num { @if r.counts.get(s) > 0 {
                                    a href=(link("/findings", &[("run", r.id.to_string()), ("severity", s.as_str().to_ascii_lowercase())])) { (r.counts.get(s)) }
                                } @else { span.muted { "0" } } }
                            }
                            td.num { (r.resolved) }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    template: Option<String>,
    page: Option<usize>,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let template = q.template.filter(|t| !t.is_empty());
    let runs = state.store.runs(template.as_deref()).await?;
    let templates = state.store.templates().await?;
    let page_no = q.page.unwrap_or(1).max(1);
    let start = ((page_no - 1) * RUNS_PER_PAGE).min(runs.len());
    let end = (start + RUNS_PER_PAGE).min(runs.len());
    let page_link = |n: usize| {
        link(
            "/runs",
            &[
                ("template", template.clone().unwrap_or_default()),
                ("page", n.to_string()),
            ],
        )
    };
    let body = html! {
        h1 { "Runs" @if let Some(t) = &template { " of " (t) } }
        @if caller.role >= Role::Operator {
            (start_form(&caller, &templates, template.as_deref()))
        }
        (run_table(&runs[start..end]))
        nav.pager {
            @if page_no > 1 { a href=(page_link(page_no - 1)) { "← newer" } }
            span.muted { (start + usize::from(end > start)) "–" (end) " of " (runs.len()) }
            @if end < runs.len() { a href=(page_link(page_no + 1)) { "older →" } }
        }
    };
    ok(page("Runs", &caller, Nav::Runs, None, body))
}

fn start_form(
    caller: &Caller,
    templates: &[kensa_store::Template],
    chosen: Option<&str>,
) -> Markup {
    html! {
        form.card.inline method="post" action="/runs" {
            (csrf(caller))
            h2 { "Start a run" }
            @if templates.is_empty() {
                p.muted { "Create a template first (" code { "kensa template create" } " or the API)." }
            } @else {
                label { "Template "
                    select name="template" required {
                        @for t in templates {
                            option value=(t.name) selected[chosen == Some(t.name.as_str())] { (t.name) " (" (t.target) ")" }
                        }
                    }
                }
                label { "Input "
                    input type="text" name="input" value="demo" size="28"
                        title="demo, or a snapshot directory inside the server's --allow-input directories";
                }
                button type="submit" { "Start run" }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    template: String,
    input: Option<String>,
}

/// Starts a run (operator) and shows its page.
pub async fn start(
    State(state): State<AppState>,
    SignedIn(caller): super::page::Operator,
    Form(f): Form<StartForm>,
) -> Result<Response, PageError> {
    let input = f.input.as_deref().map(str::trim).filter(|i| !i.is_empty());
    let run = launch(&state, &caller, &f.template, input).await?;
    Ok(see_other(&format!("/runs/{}", run.id)))
}

/// Asks a run to stop (operator).
pub async fn cancel(
    State(state): State<AppState>,
    SignedIn(caller): super::page::Operator,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    request_cancel(&state, &caller, id).await?;
    Ok(see_other(&format!("/runs/{id}")))
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    let run = state.store.run(id).await?;
    let exclusions = state.store.exclusions(id).await?;
    let template = state.store.template(&run.template).await.ok();
    let moving = !run.state.is_final();
    let previous = super::diff::previous_run(&state, &run.template, run.id).await;
    let body = html! {
        h1 { "Run #" (run.id) " " (run_state(run.state)) }
        p.lede {
            "Template " a href={ "/templates/" (super::page::encode(&run.template)) } { (run.template) }
            ", started " (time(&run.created_at))
            @if let Some(done) = &run.completed_at { ", finished " (time(done)) }
            "."
            @if let Some(reason) = &run.state_reason { " " span.muted { (reason) } }
        }
        div.actions {
            a.button href=(link("/findings", &[("run", run.id.to_string())])) { "Findings of this run" }
            @if let Some(prev) = previous {
                a.button.secondary href={ "/runs/" (prev) "/diff/" (run.id) } { "Changes since run #" (prev) }
            }
            @if !moving && run.snapshot.is_some() {
                a.button.secondary href=(link("/compliance", &[("run", run.id.to_string())])) { "Compliance" }
            }
            @if !moving {
                a.button.secondary.download href={ "/api/v1/runs/" (run.id) "/report?format=html" } download { "Download report (HTML)" }
                a.button.secondary.download href={ "/api/v1/runs/" (run.id) "/report?format=pdf" } download { "Download report (PDF)" }
            }
            @if moving && caller.role >= Role::Operator {
                form method="post" action={ "/runs/" (run.id) "/cancel" } data-confirm="Cancel this run?" {
                    (csrf(&caller))
                    button.danger type="submit" { "Cancel run" }
                }
            }
        }
        div.columns {
            section.card {
                h2 { "Findings" }
                table.kv {
                    @for s in Severity::ALL {
                        tr { th { (super::layout::severity(s)) } td.num {
                            a href=(link("/findings", &[("run", run.id.to_string()), ("severity", s.as_str().to_ascii_lowercase())])) { (run.counts.get(s)) }
                        } }
                    }
                    tr { th { "Resolved by this run" } td.num { (run.resolved) } }
                }
                @if let Some(snap) = &run.snapshot {
                    h2 { "Snapshot" }
                    table.kv {
                        tr { th { "Source" } td { (snap.source) @if let Some(l) = &snap.location { " " code { (l) } } } }
                        tr { th { "Accounts" } td { (snap.accounts.join(", ")) } }
                        tr { th { "Regions" } td { (snap.regions.join(", ")) } }
                        tr { th { "Instances" } td { (snap.instances) } }
                        tr { th { "Warnings" } td { (snap.warnings) } }
                        tr { th { "Content hash" } td { code.wrap { (snap.content_hash) } } }
                    }
                }
            }
            section.card {
                h2 { "State history" }
                ol.timeline {
                    @for change in &run.states {
                        li { (run_state(change.state)) " " (time(&change.at))
                            @if let Some(m) = &change.message { div.muted { (m) } } }
                    }
                }
                @if let Some(t) = &template {
                    h2 { "Notifications" }
                    @if t.subscriptions.is_empty() {
                        p.muted { "The template subscribes to no event." }
                    } @else {
                        table.kv { @for s in &t.subscriptions {
                            tr { th { (s.event.as_str()) } td { code.wrap { (s.endpoint) } } }
                        } }
                    }
                }
            }
        }
        section.card {
            h2 { "Exclusions (" (exclusions.len()) ")" }
            @if exclusions.is_empty() {
                p.muted { "Nothing was left out." }
            } @else {
                table.data {
                    thead { tr { th { "Type" } th { "Scope" } th { "What" } th { "Recommendation" } } }
                    tbody { @for e in &exclusions {
                        tr {
                            td { code { (e.kind.as_str()) } }
                            td { (scope_text(&e.scope)) }
                            td { strong { (e.title) } div.muted { (e.description) } }
                            td { (e.recommendation) }
                        }
                    } }
                }
            }
        }
    };
    let refresh = moving.then_some(2);
    ok(page(
        &format!("Run #{id}"),
        &caller,
        Nav::Runs,
        refresh,
        body,
    ))
}

fn scope_text(scope: &ExclusionScope) -> String {
    match scope {
        ExclusionScope::InstanceId(v) => format!("instance {v}"),
        ExclusionScope::Package(v) => format!("package {v}"),
        ExclusionScope::Target(v) => format!("target {v}"),
    }
}
