//! Administration (admin role): tokens (create, shown once; revoke) and the audit log,
//! newest first, paged by id, with the API's CSV export.
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::json;

use super::layout::{csrf, page, time, Nav};
use super::page::{encode, ok, see_other, PageError, PageResult, SignedIn};
use crate::auth::{audit, token, Caller, Role};
use crate::error::ApiError;
use crate::state::AppState;

/// Audit entries on one page.
const AUDIT_PAGE: i64 = 50;

pub type Admin = SignedIn<2>;

#[derive(Debug, Deserialize)]
pub struct AuditPage {
    before: Option<i64>,
}

async fn admin_page(
    state: &AppState,
    caller: &Caller,
    before: Option<i64>,
    created: Option<(&str, &str)>,
) -> PageResult {
    let tokens = state.store.tokens().await?;
    let entries = state.store.audit_log(before, AUDIT_PAGE).await?;
    let older = (entries.len() as i64 == AUDIT_PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let body = html! {
        h1 { "Administration" }
        @if let Some((name, secret)) = created {
            section.card.notice role="status" {
                h2 { "Token " (name) " created" }
                p { "Copy the secret now: it is not shown again and the store keeps only its hash." }
                pre.json { (secret) }
            }
        }
        section.card {
            h2 { "Tokens" }
            (token_form(caller))
            (token_table(caller, &tokens))
        }
        section.card {
            h2 { "Audit log " a.small href="/api/v1/audit?format=csv" { "export CSV" } }
            table.data {
                thead { tr { th { "When" } th { "Who" } th { "Action" } th { "Object" } th { "Detail" } } }
                tbody { @for e in &entries { tr {
                    td { (time(&e.at)) } td { (e.actor) } td { code { (e.action) } }
                    td { code.wrap { (e.object) } } td { code.wrap { (e.detail) } }
                } } }
            }
            nav.pager {
                @if before.is_some() { a href="/admin" { "← newest" } }
                @if let Some(id) = older { a href={ "/admin?before=" (id) } { "older →" } }
            }
        }
    };
    ok(page("Administration", caller, Nav::Admin, None, body))
}

fn token_form(caller: &Caller) -> Markup {
    html! {
        form.inline method="post" action="/admin/tokens" {
            (csrf(caller))
            label { "Name " input type="text" name="name" required pattern="[A-Za-z0-9._-]{1,64}" placeholder="ci-reader"; }
            label { "Role "
                select name="role" { @for r in Role::ALL { option value=(r) { (r) } } }
            }
            button type="submit" { "Create token" }
        }
    }
}

fn token_table(caller: &Caller, tokens: &[kensa_store::ApiToken]) -> Markup {
    html! {
        table.data {
            thead { tr { th { "Name" } th { "Role" } th { "Created" } th { "Last used" } th { "State" } th {} } }
            tbody { @for t in tokens { tr {
                td { (t.name) } td { (t.role) } td { (time(&t.created_at)) }
                td { @if let Some(at) = &t.last_used_at { (time(at)) } @else { span.muted { "never" } } }
                td { @if let Some(at) = &t.revoked_at { span.muted { "revoked " (time(at)) } } @else { "active" } }
                td { @if t.revoked_at.is_none() {
                    form method="post" action={ "/admin/tokens/" (encode(&t.name)) "/revoke" }
                        data-confirm={ "Revoke token " (t.name) "? Its sessions end at once." } {
                        (csrf(caller))
                        button.danger type="submit" { "Revoke" }
                    }
                } }
            } } }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(caller): Admin,
    Query(q): Query<AuditPage>,
) -> PageResult {
    admin_page(&state, &caller, q.before, None).await
}

#[derive(Debug, Deserialize)]
pub struct NewToken {
    name: String,
    role: String,
}

/// Creates a token and shows its secret once (no redirect: the secret is never in a URL).
pub async fn create(
    State(state): State<AppState>,
    SignedIn(caller): Admin,
    Form(f): Form<NewToken>,
) -> PageResult {
    let role: Role = f
        .role
        .parse()
        .map_err(|e: String| ApiError::bad_request(e))?;
    let (created, secret) = token::create(&state.store, f.name.trim(), role).await?;
    audit::record(
        &state.store,
        &caller,
        "token.create",
        &format!("token:{}", created.name),
        json!({"role": created.role}),
    )
    .await?;
    admin_page(&state, &caller, None, Some((&created.name, &secret))).await
}

pub async fn revoke(
    State(state): State<AppState>,
    SignedIn(caller): Admin,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    state.store.revoke_token(&name).await?;
    audit::record(
        &state.store,
        &caller,
        "token.revoke",
        &format!("token:{name}"),
        json!({}),
    )
    .await?;
    Ok(see_other("/admin"))
}
