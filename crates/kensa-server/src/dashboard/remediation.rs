//! Remediation: journals of apply runs (newest first), one journal's actions with their
//! states, original state and result, and — for operators — a Rollback button (a form
//! with the session's CSRF token; the server refuses it to viewers whatever they send);
//! for admins, a reset of a rollback whose process died.
use axum::extract::{Path, Query, State};
use axum::response::Response;
use kensa_store::{ActionState, Journal, JournalState, JournalSummary};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, page, time, Nav};
use super::page::{encode, ok, see_other, PageError, PageResult, SignedIn, Viewer};
use crate::api::remediation::{check_journal_id, reset_journal, rollback_journal};
use crate::auth::{Caller, Role};
use crate::state::AppState;

/// Journals on one page.
const JOURNALS_PAGE: i64 = 50;

fn journal_state(s: JournalState) -> Markup {
    let class = match s {
        JournalState::Applied | JournalState::RolledBack => "ok",
        JournalState::AppliedWithErrors => "warn",
        JournalState::RollbackFailed => "bad",
        JournalState::RollingBack => "busy",
    };
    html! { span class={ "state state-" (class) } { (s.as_str()) } }
}

fn action_state(s: ActionState) -> Markup {
    let class = match s {
        ActionState::Verified | ActionState::RolledBack | ActionState::AlreadyApplied => "ok",
        ActionState::Applied => "busy",
        ActionState::NotVerified => "warn",
        ActionState::Failed | ActionState::RollbackFailed => "bad",
    };
    html! { span class={ "state state-" (class) } { (s.as_str()) } }
}

fn can_roll_back(s: JournalState) -> bool {
    matches!(
        s,
        JournalState::Applied | JournalState::AppliedWithErrors | JournalState::RollbackFailed
    )
}

fn journal_table(journals: &[JournalSummary]) -> Markup {
    html! {
        table.data.journals {
            thead { tr {
                th { "Journal" } th { "State" } th { "Applied" } th { "By" } th { "Source" }
                th.num { "Actions" } th.num { "Changed" } th { "Rolled back" }
            } }
            tbody { @for j in journals { tr {
                td { a href={ "/remediation/" (encode(&j.id)) } { code { (j.id) } } }
                td { (journal_state(j.state)) }
                td { (time(&j.created_at)) }
                td { (j.created_by) }
                td { (j.source) " " span.muted { "(" (j.mode) ")" } }
                td.num { (j.actions) }
                td.num { (j.changed) }
                td { @if let Some(at) = &j.rolled_back_at {
                    (time(at)) " by " (j.rolled_back_by.as_deref().unwrap_or("?"))
                } }
            } } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    before: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let journals = state.store.journals(q.before, JOURNALS_PAGE).await?;
    let older = (journals.len() as i64 == JOURNALS_PAGE)
        .then(|| journals.last().map(|j| j.seq))
        .flatten();
    let body = html! {
        h1 { "Remediation" }
        p.lede {
            "Journals of " code { "kensa remediate apply --apply" } " runs: each action's original state was written down before AWS changed, so it can be restored."
            @if caller.role >= Role::Operator { " Open a journal to roll it back." }
        }
        @if journals.is_empty() {
            p.muted { "No remediation journal yet." }
        } @else {
            (journal_table(&journals))
        }
        nav.pager {
            @if q.before.is_some() { a href="/remediation" { "← newest" } }
            @if let Some(id) = older { a href={ "/remediation?before=" (id) } { "older →" } }
        }
    };
    ok(page("Remediation", &caller, Nav::Remediation, None, body))
}

fn rollback_form(caller: &Caller, j: &Journal) -> Markup {
    html! {
        @if caller.role >= Role::Operator && can_roll_back(j.summary.state) {
            form.rollback method="post" action={ "/remediation/" (encode(&j.summary.id)) "/rollback" }
                data-confirm="Restore every resource of this journal to its original state in AWS?" {
                (csrf(caller))
                button.danger type="submit" { "Roll back" }
            }
        }
    }
}

/// For an admin, a journal still `rolling-back` (its rollback's process may have died)
/// can be reset so it can be rolled back again; the server refuses while the rollback
/// may still be running.
fn reset_form(caller: &Caller, j: &Journal) -> Markup {
    html! {
        @if caller.role >= Role::Admin && j.summary.state == JournalState::RollingBack {
            form.reset method="post" action={ "/remediation/" (encode(&j.summary.id)) "/reset" }
                data-confirm="Mark this rollback as interrupted (its process died) so the journal can be rolled back again?" {
                (csrf(caller))
                button.danger type="submit" { "Reset interrupted rollback" }
            }
        }
    }
}

fn json_details(label: &str, value: Option<&serde_json::Value>) -> Markup {
    html! {
        @if let Some(v) = value {
            details { summary { (label) }
                pre.json { (serde_json::to_string_pretty(v).unwrap_or_default()) } }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Path(id): Path<String>,
) -> PageResult {
    check_journal_id(&id)?;
    let j = state.store.journal(&id).await?;
    let s = &j.summary;
    let body = html! {
        h1 { "Journal " code { (s.id) } " " (journal_state(s.state)) }
        p.lede {
            "Applied " (time(&s.created_at)) " by " (s.created_by) " from " (s.source) " (" (s.mode) ")."
            @if let Some(at) = &s.rolled_back_at { " Rolled back " (time(at)) " by " (s.rolled_back_by.as_deref().unwrap_or("?")) "." }
            @if let Some(m) = &s.state_message { " " span.muted.state-message { (m) } }
        }
        div.actions {
            a.button.secondary href="/remediation" { "All journals" }
            (rollback_form(&caller, &j))
            (reset_form(&caller, &j))
        }
        section.card {
            h2 { "Actions (" (j.actions.len()) ")" }
            table.data.journal-actions {
                thead { tr {
                    th { "Action" } th { "State" } th { "Resource" } th { "Change" }
                    th { "Applied" } th { "Verified" } th { "Rolled back" }
                } }
                tbody { @for a in &j.actions { tr {
                    td { code { (a.action_id) } }
                    td { (action_state(a.state)) }
                    td { code { (a.resource_id) } div.muted.small { (a.account) " " (a.region) } }
                    td {
                        (a.summary)
                        @for m in &a.messages { div.muted.small { (m) } }
                        (json_details("original state", a.before.as_ref().map(|b| &b["captured"])))
                        (json_details("apply result", a.after.as_ref()))
                        (json_details("rollback result", a.rollback.as_ref()))
                    }
                    td { @if let Some(t) = &a.applied_at { (time(t)) } }
                    td { @if let Some(t) = &a.verified_at { (time(t)) } }
                    td { @if let Some(t) = &a.rolled_back_at { (time(t)) } }
                } } }
            }
        }
        (json_details("Plan", Some(&j.plan)))
    };
    ok(page(
        &format!("Journal {id}"),
        &caller,
        Nav::Remediation,
        None,
        body,
    ))
}

/// Resets a journal left rolling back (admin) and shows it again.
pub async fn reset(
    State(state): State<AppState>,
    SignedIn(caller): super::admin::Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    reset_journal(&state, &caller, &id).await?;
    Ok(see_other(&format!("/remediation/{}", encode(&id))))
}

/// Rolls the journal back (operator) and shows it again with the outcome.
pub async fn rollback(
    State(state): State<AppState>,
    SignedIn(caller): super::page::Operator,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    rollback_journal(&state, &caller, &id).await?;
    Ok(see_other(&format!("/remediation/{}", encode(&id))))
}
