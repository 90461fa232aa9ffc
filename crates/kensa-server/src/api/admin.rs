//! Tokens and the audit log (admin).
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kensa_store::{ApiToken, AuditEntry};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::json::{Body, Path, Query};
use crate::auth::{audit, token, AsAdmin, Authorized, Role};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[schema(value_type = Object)]
    pub token: ApiToken,
    /// The secret, shown only in this answer.
    pub secret: String,
}

/// List tokens (never their secrets).
#[utoipa::path(get, path = "/tokens", tag = "admin",
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_tokens(
    State(s): State<AppState>,
    _caller: AsAdmin,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(s.store.tokens().await?))
}

/// Create a token; its secret is in this answer only.
#[utoipa::path(post, path = "/tokens", tag = "admin", request_body = TokenRequest,
    responses(
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),(status = 201, body = CreatedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Body(req): Body<TokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let (token, secret) = token::create(&s.store, &req.name, req.role).await?;
    audit::record(
        &s.store,
        &caller,
        "token.create",
        &format!("token:{}", token.name),
        json!({"role": token.role}),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// Revoke a token: it and its sessions stop working at once.
#[utoipa::path(delete, path = "/tokens/{name}", tag = "admin", params(("name" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Path(name): Path<String>,
) -> Result<Json<ApiToken>, ApiError> {
    let token = s.store.revoke_token(&name).await?;
    audit::record(
        &s.store,
        &caller,
        "token.revoke",
        &format!("token:{name}"),
        json!({}),
    )
    .await?;
    Ok(Json(token))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Entries older than this id (paging; use the last id of the previous page).
    pub before: Option<i64>,
    /// Page size, 1 to 10000 (default 100).
    pub limit: Option<i64>,
    /// json (default) or csv.
    pub format: Option<String>,
}

/// The audit log, newest first, as JSON or CSV.
#[utoipa::path(get, path = "/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = [Object], content_type = "application/json"), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn audit_log(
    State(s): State<AppState>,
    _caller: AsAdmin,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit}: expected 1 to 10000"
        )));
    }
    let entries = s.store.audit_log(q.before, limit).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(entries).into_response()),
        "csv" => Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            to_csv(&entries)?,
        )
            .into_response()),
        other => Err(ApiError::bad_request(format!(
            "format `{other}`: expected json or csv"
        ))),
    }
}

fn to_csv(entries: &[AuditEntry]) -> Result<String, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::internal(e.to_string());
    w.write_record([
        "id", "at", "actor", "token_id", "action", "object", "detail",
    ])
    .map_err(fail)?;
    for e in entries {
        let token = e.token_id.map(|t| t.to_string()).unwrap_or_default();
        w.write_record([
            &e.id.to_string(),
            &e.at,
            &e.actor,
            &token,
            &e.action,
            &e.object,
            &e.detail,
        ])
        .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ApiError::internal(e.to_string()))
}
