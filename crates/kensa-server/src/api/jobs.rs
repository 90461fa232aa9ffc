//! Schedules on templates, the role of each AWS account, and the live workers.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kensa_store::{AccountRole, Schedule, UnitStatus, WorkerInfo};
use serde::Deserialize;
use serde_json::json;

use super::json::{Body, Path};
use crate::auth::{audit, AsAdmin, AsViewer, Authorized};
use crate::error::{ApiError, ErrorBody};
use crate::jobs::Clock;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    /// Five-field cron expression in UTC (`0 3 * * *`), or `@hourly`, `@daily`, ...
    pub cron: String,
    /// `demo` (the default) or a snapshot directory inside the server's
    /// `--allow-input` directories.
    pub input: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountRoleRequest {
    /// `arn:aws:iam::ACCOUNT:role/NAME`, a role of the account in the path.
    pub role_arn: String,
    /// The ExternalId the role's trust policy requires.
    pub external_id: Option<String>,
}

/// List schedules with their last and next fire times.
#[utoipa::path(get, path = "/schedules", tag = "schedules",
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody)))]
pub async fn list_schedules(
    State(s): State<AppState>,
    _caller: AsViewer,
) -> Result<Json<Vec<Schedule>>, ApiError> {
    Ok(Json(s.store.schedules().await?))
}

/// The schedule of one template.
#[utoipa::path(get, path = "/schedules/{name}", tag = "schedules", params(("name" = String, Path)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_schedule(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(name): Path<String>,
) -> Result<Json<Schedule>, ApiError> {
    Ok(Json(s.store.schedule(&name).await?))
}

/// Set (or replace) the schedule of template `name` (admin). It counts from now.
#[utoipa::path(put, path = "/schedules/{name}", tag = "schedules", params(("name" = String, Path)),
    request_body = ScheduleRequest,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody)))]
pub async fn set_schedule(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Path(name): Path<String>,
    Body(req): Body<ScheduleRequest>,
) -> Result<Json<Schedule>, ApiError> {
    let input = super::runs::queued_input(&super::runs::resolve_input(&s, req.input.as_deref())?);
    let schedule = s
        .store
        .set_schedule(&name, &req.cron, &input, Some(caller.name.as_str()))
        .await?;
    audit::record(
        &s.store,
        &caller,
        "schedule.set",
        &format!("template:{name}"),
        json!({"cron": schedule.cron, "input": schedule.input}),
    )
    .await?;
    Ok(Json(schedule))
}

/// Remove the schedule of template `name` (admin).
#[utoipa::path(delete, path = "/schedules/{name}", tag = "schedules", params(("name" = String, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete_schedule(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.store.delete_schedule(&name).await?;
    audit::record(
        &s.store,
        &caller,
        "schedule.delete",
        &format!("template:{name}"),
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The IAM role and ExternalId kensa assumes for each account (admin).
#[utoipa::path(get, path = "/account-roles", tag = "accounts",
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_account_roles(
    State(s): State<AppState>,
    _caller: AsAdmin,
) -> Result<Json<Vec<AccountRole>>, ApiError> {
    Ok(Json(s.store.account_roles().await?))
}

/// Set (or replace) the role of account `id` (admin).
#[utoipa::path(put, path = "/account-roles/{id}", tag = "accounts", params(("id" = String, Path)),
    request_body = AccountRoleRequest,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn set_account_role(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Path(id): Path<String>,
    Body(req): Body<AccountRoleRequest>,
) -> Result<Json<AccountRole>, ApiError> {
    let role = s
        .store
        .set_account_role(
            &id,
            &req.role_arn,
            req.external_id.as_deref(),
            Some(caller.name.as_str()),
        )
        .await?;
    // The ExternalId is not logged in the audit detail: only whether one is set.
    audit::record(
        &s.store,
        &caller,
        "account.set_role",
        &format!("account:{id}"),
        json!({"role_arn": role.role_arn, "external_id": role.external_id.is_some()}),
    )
    .await?;
    Ok(Json(role))
}

/// Forget the role of account `id` (admin).
#[utoipa::path(delete, path = "/account-roles/{id}", tag = "accounts", params(("id" = String, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete_account_role(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.store.delete_account_role(&id).await?;
    audit::record(
        &s.store,
        &caller,
        "account.delete_role",
        &format!("account:{id}"),
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Workers whose heartbeat is fresher than one lease period.
#[utoipa::path(get, path = "/workers", tag = "workers",
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody)))]
pub async fn list_workers(
    State(s): State<AppState>,
    _caller: AsViewer,
) -> Result<Json<Vec<WorkerInfo>>, ApiError> {
    let now = crate::jobs::SystemClock.now_ms();
    let lease = s.config.jobs.lease.as_millis() as i64;
    Ok(Json(s.store.live_workers(now, lease).await?))
}

/// The units of collection of a live run (one account × region each): who holds or
/// collected each, and how many claims it took.
#[utoipa::path(get, path = "/runs/{id}/units", tag = "workers", params(("id" = i64, Path)),
    responses((status = 200, body = [Object]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn run_units(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<UnitStatus>>, ApiError> {
    s.store.run(id).await?;
    Ok(Json(s.store.units(id).await?))
}
