//! The CloudTrail alerts feed: alerts `kensa trail` stored, newest first, filtered by
//! rule, priority (that one or more severe) and event time (the API's filters), paged.
use axum::extract::{Query, State};
use maud::{html, Markup};
use serde::Deserialize;

use super::findings::{select, text};
use super::layout::{page, time, Nav};
use super::page::{link, ok, PageResult, SignedIn, Viewer};
use crate::api::alerts::{filter, AlertQuery};
use crate::state::AppState;

/// Alerts on one page.
const ALERTS_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    since: String,
    before: Option<i64>,
}

/// A Falco priority as a coloured label (the severity colours).
pub fn priority(p: &str) -> Markup {
    let class = match kensa_store::priority_rank(p).unwrap_or(7) {
        0..=2 => "critical",
        3 => "high",
        4 => "medium",
        5 => "low",
        _ => "informational",
    };
    html! { span class={ "sev sev-" (class) } { (p) } }
}

fn filter_form(f: &Filters, rules: &[String]) -> Markup {
    let priorities: Vec<String> = kensa_store::alerts::PRIORITIES
        .iter()
        .map(|p| p.to_ascii_lowercase())
        .collect();
    html! {
        form.filters method="get" action="/alerts" {
            (select("rule", "Rule", &f.rule, rules))
            (select("priority", "Priority (or worse)", &f.priority, &priorities))
            (text("since", "Since", &f.since, "2026-12-07T00:00:00Z"))
            div.buttons {
                button type="submit" { "Filter" }
                a href="/alerts" { "clear" }
            }
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Query(f): Query<Filters>,
) -> PageResult {
    let q = AlertQuery {
        rule: Some(f.rule.clone()),
        priority: Some(f.priority.clone()),
        since: Some(f.since.clone()),
        before: f.before,
        limit: None,
    };
    let alerts = state.store.alerts(&filter(&q, ALERTS_PAGE)?).await?;
    let rules = state.store.alert_rules().await?;
    let older = (alerts.len() as i64 == ALERTS_PAGE)
        .then(|| alerts.last().map(|a| a.id))
        .flatten();
    let page_link = |before: Option<i64>| {
        link(
            "/alerts",
            &[
                ("rule", f.rule.clone()),
                ("priority", f.priority.clone()),
                ("since", f.since.clone()),
                ("before", before.map(|b| b.to_string()).unwrap_or_default()),
            ],
        )
    };
    let body = html! {
        h1 { "CloudTrail alerts" }
        p.lede { "Alerts that " code { "kensa trail replay" } " and " code { "kensa trail watch" }
            " stored, each event and rule once, newest first." }
        (filter_form(&f, &rules))
        @if alerts.is_empty() {
            p.muted { "No alert matches." }
        } @else {
            table.data.alerts {
                thead { tr {
                    th { "Event time" } th { "Priority" } th { "Rule" } th { "Who" }
                    th { "Where" } th { "Resource" } th { "Output" }
                } }
                tbody { @for a in &alerts { tr {
                    td { @if let Some(t) = &a.event_time { (time(t)) } @else { span.muted { "?" } } }
                    td { (priority(&a.priority)) }
                    td { (a.rule) div.muted.small { code { (a.event_name.as_deref().unwrap_or("")) } } }
                    td { (a.principal.as_deref().unwrap_or("")) }
                    td { (a.account.as_deref().unwrap_or("")) " " (a.region.as_deref().unwrap_or("")) }
                    td { code.wrap { (a.resource.as_deref().unwrap_or("")) } }
                    td { (a.output) div.muted.small { "event " code { (a.event_id.as_deref().unwrap_or("(none)")) } } }
                } } }
            }
        }
        nav.pager {
            @if f.before.is_some() { a href=(page_link(None)) { "← newest" } }
            @if let Some(id) = older { a href=(page_link(Some(id))) { "older →" } }
        }
    };
    ok(page("Alerts", &caller, Nav::Alerts, None, body))
}
