//! Targets and templates: lists and one page each.
use axum::extract::{Path, State};
use kensa_store::{Target, Template};
use maud::{html, Markup};

use super::layout::{page, time, Nav};
use super::page::{encode, ok, PageResult, SignedIn, Viewer};
use super::runs::run_table;
use crate::state::AppState;

/// Runs listed on a template's page (the runs page has them all).
const TEMPLATE_RUNS: usize = 10;

fn or_all(values: &[String]) -> Markup {
    html! { @if values.is_empty() { span.muted { "all in the snapshot" } } @else { (values.join(", ")) } }
}

fn target_rows(t: &Target) -> Markup {
    html! {
        tr { th { "Accounts" } td { (or_all(&t.accounts)) } }
        tr { th { "Regions" } td { (or_all(&t.regions)) } }
        tr { th { "Resource group" } td {
            @if t.tags.is_empty() { span.muted { "every instance" } }
            @else { @for tag in &t.tags { code.tag { (tag.key) "=" (tag.value) } " " } }
        } }
        tr { th { "Created" } td { (time(&t.created_at)) } }
    }
}

pub async fn targets(State(state): State<AppState>, SignedIn(caller): Viewer) -> PageResult {
    let targets = state.store.targets().await?;
    let body = html! {
        h1 { "Targets" }
        @if targets.is_empty() { p.muted { "No targets yet: " code { "kensa target create" } "." } }
        @else {
            table.data {
                thead { tr { th { "Name" } th { "Accounts" } th { "Regions" } th { "Tags" } th { "Created" } } }
                tbody { @for t in &targets { tr {
                    td { a href={ "/targets/" (encode(&t.name)) } { (t.name) } }
                    td { (or_all(&t.accounts)) } td { (or_all(&t.regions)) }
                    td { @for tag in &t.tags { code.tag { (tag.key) "=" (tag.value) } " " } }
                    td { (time(&t.created_at)) }
                } } }
            }
        }
    };
    ok(page("Targets", &caller, Nav::Targets, None, body))
}

pub async fn target(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Path(name): Path<String>,
) -> PageResult {
    let t = state.store.target(&name).await?;
    let templates: Vec<Template> = state
        .store
        .templates()
        .await?
        .into_iter()
        .filter(|tpl| tpl.target == t.name)
        .collect();
    let body = html! {
        h1 { "Target " (t.name) }
        section.card { table.kv { (target_rows(&t)) } }
        section.card {
            h2 { "Templates on this target" }
            (template_table(&templates))
        }
    };
    ok(page(&t.name, &caller, Nav::Targets, None, body))
}

fn template_table(templates: &[Template]) -> Markup {
    html! {
        @if templates.is_empty() { p.muted { "No templates." } }
        @else {
            table.data {
                thead { tr { th { "Name" } th { "Target" } th { "Packages" } th { "Framework" } th { "Created" } } }
                tbody { @for t in templates { tr {
                    td { a href={ "/templates/" (encode(&t.name)) } { (t.name) } }
                    td { a href={ "/targets/" (encode(&t.target)) } { (t.target) } }
                    td { (packages(t)) }
                    td { (t.framework.as_deref().unwrap_or("—")) }
                    td { (time(&t.created_at)) }
                } } }
            }
        }
    }
}

fn packages(t: &Template) -> String {
    t.packages
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn templates(State(state): State<AppState>, SignedIn(caller): Viewer) -> PageResult {
    let templates = state.store.templates().await?;
    let body = html! {
        h1 { "Templates" }
        (template_table(&templates))
    };
    ok(page("Templates", &caller, Nav::Templates, None, body))
}

pub async fn template(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Path(name): Path<String>,
) -> PageResult {
    let t = state.store.template(&name).await?;
    let runs = state.store.runs(Some(&t.name)).await?;
    let body = html! {
        h1 { "Template " (t.name) }
        section.card {
            table.kv {
                tr { th { "Target" } td { a href={ "/targets/" (encode(&t.target)) } { (t.target) } } }
                tr { th { "Packages" } td { (packages(&t)) } }
                tr { th { "Framework" } td { (t.framework.as_deref().unwrap_or("—")) } }
                tr { th { "User attributes" } td {
                    @if t.user_attributes.is_empty() { span.muted { "none" } }
                    @for (k, v) in &t.user_attributes { code.tag { (k) "=" (v) } " " }
                } }
                tr { th { "Notifications" } td {
                    @if t.subscriptions.is_empty() { span.muted { "none" } }
                    @for s in &t.subscriptions { div { code { (s.event.as_str()) } " → " code.wrap { (s.endpoint) } } }
                } }
                tr { th { "Created" } td { (time(&t.created_at)) } }
            }
        }
        section.card {
            h2 { "Runs (" (runs.len()) ") " a.small href={ "/runs?template=" (encode(&t.name)) } { "all →" } }
            (run_table(&runs[..runs.len().min(TEMPLATE_RUNS)]))
        }
    };
    ok(page(&t.name, &caller, Nav::Templates, None, body))
}
