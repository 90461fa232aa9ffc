//! Runs: list, show, start (executed in the background on a blocking thread), cancel,
//! their exclusions and the diff of two runs.
use std::path::PathBuf;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kensa_assess::Input;
use kensa_store::{Exclusion, Run, RunDiff};
use serde::Deserialize;
use serde_json::json;

use super::json::{Body, Path, Query};
use crate::auth::{audit, AsOperator, AsViewer, Authorized, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RunListQuery {
    /// Only the runs of this template.
    pub template: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    pub template: String,
    /// `demo` (the bundled demo account, the default), `live` (collected from AWS by
    /// the workers, split by account and region) or a snapshot directory inside one of
    /// the server's `--allow-input` directories.
    pub input: Option<String>,
}

/// List runs, newest first.
#[utoipa::path(get, path = "/runs", tag = "runs", params(RunListQuery),
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    _caller: AsViewer,
    Query(q): Query<RunListQuery>,
) -> Result<Json<Vec<Run>>, ApiError> {
    Ok(Json(s.store.runs(q.template.as_deref()).await?))
}

/// One run with its state history.
#[utoipa::path(get, path = "/runs/{id}", tag = "runs", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(id): Path<i64>,
) -> Result<Json<Run>, ApiError> {
    Ok(Json(s.store.run(id).await?))
}

/// What a run could not assess.
#[utoipa::path(get, path = "/runs/{id}/exclusions", tag = "runs", params(("id" = i64, Path)),
    responses((status = 200, body = [Object]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn exclusions(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Exclusion>>, ApiError> {
    s.store.run(id).await?;
    Ok(Json(s.store.exclusions(id).await?))
}

/// New, resolved and changed findings between run `id` and run `other`.
#[utoipa::path(get, path = "/runs/{id}/diff/{other}", tag = "runs",
    params(("id" = i64, Path), ("other" = i64, Path)),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn diff(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path((a, b)): Path<(i64, i64)>,
) -> Result<Json<RunDiff>, ApiError> {
    Ok(Json(s.store.diff_runs(a, b).await?))
}

/// Start a run of a template (operator). Answers 202 with the CREATED run at once; the
/// run is queued and executes in the background (on a worker when one runs, else in
/// this server) — poll `GET /runs/{id}`.
#[utoipa::path(post, path = "/runs", tag = "runs", request_body = StartRequest,
    responses(
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),(status = 202, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn start(
    State(s): State<AppState>,
    Authorized(caller): AsOperator,
    Body(req): Body<StartRequest>,
) -> Result<(StatusCode, Json<Run>), ApiError> {
    let run = launch(&s, &caller, &req.template, req.input.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, Json(run)))
}

/// Queues a run of `template` over `input` (`demo` when absent) and records it in the
/// audit log; a worker takes it when one is alive, else this server runs it. Returns
/// the CREATED run. The API and the dashboard's start form both call this.
pub async fn launch(
    s: &AppState,
    caller: &Caller,
    template: &str,
    input_text: Option<&str>,
) -> Result<Run, ApiError> {
    let input = resolve_input(s, input_text)?;
    let template = s.store.template(template).await?;
    s.store.target(&template.target).await?;
    let id = s
        .store
        .create_queued_run(&template, &queued_input(&input))
        .await?;
    audit::record(
        &s.store,
        caller,
        "run.start",
        &format!("run:{id}"),
        json!({"template": template.name, "input": input_text.unwrap_or("demo")}),
    )
    .await?;
    crate::jobs::dispatch(s, id);
    Ok(s.store.run(id).await?)
}

/// How a run's input is written in the queue: `demo`, `live` or a canonical directory.
pub(crate) fn queued_input(input: &Input) -> String {
    match input {
        Input::Directory(dir) => dir
            .canonicalize()
            .unwrap_or_else(|_| dir.clone())
            .display()
            .to_string(),
        Input::Live(_) => crate::jobs::LIVE_INPUT.to_string(),
        Input::Demo => "demo".to_string(),
    }
}

pub(crate) fn resolve_input(s: &AppState, input: Option<&str>) -> Result<Input, ApiError> {
    match input.map(str::trim) {
        None | Some("demo") | Some("") => Ok(Input::Demo),
        Some("live") if s.config.live.is_some() => Ok(Input::Live(PathBuf::new())),
        Some("live") => Err(ApiError::bad_request(
            "live collection is not available from this server (built without AWS support); collect with `kensa collect` and start the run over that directory",
        )),
        Some(dir) => {
            let path = PathBuf::from(dir);
            if !s.config.input_allowed(&path) || !path.is_dir() {
                return Err(ApiError::bad_request(format!(
                    "input `{dir}` is not a snapshot directory inside the server's --allow-input directories"
                )));
            }
            Ok(Input::Directory(path))
        }
    }
}

/// Cancel a run (operator): it stops at its next batch of findings.
#[utoipa::path(post, path = "/runs/{id}/cancel", tag = "runs", params(("id" = i64, Path)),
    responses((status = 202, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(s): State<AppState>,
    Authorized(caller): AsOperator,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Run>), ApiError> {
    Ok((
        StatusCode::ACCEPTED,
        Json(request_cancel(&s, &caller, id).await?),
    ))
}

/// Asks run `id` to stop and records it in the audit log (API and dashboard).
pub async fn request_cancel(s: &AppState, caller: &Caller, id: i64) -> Result<Run, ApiError> {
    s.store.cancel_run(id).await?;
    audit::record(
        &s.store,
        caller,
        "run.cancel",
        &format!("run:{id}"),
        json!({}),
    )
    .await?;
    Ok(s.store.run(id).await?)
}
