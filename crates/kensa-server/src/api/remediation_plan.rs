//! `POST /remediation/plans`: the remediation plan for a stored run's snapshot, the
//! demo account or a snapshot directory the server may read. A dry run: nothing
//! changes; the plan is the input of `kensa remediate apply`.
use std::path::PathBuf;

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::json::Body;
use crate::auth::AsOperator;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
pub struct PlanRequest {
    /// Plan for the snapshot this stored run assessed.
    pub run: Option<i64>,
    /// Or: `demo`, or a snapshot directory inside the server's `--allow-input`
    /// directories.
    pub snapshot: Option<String>,
    /// Controls to remediate (`EC2.13`, `fsbp:EC2.13`, `restricted-ssh`); default: the
    /// same set as `kensa remediate plan`.
    pub controls: Option<Vec<String>>,
    /// `revoke` (default) or `narrow`.
    pub mode: Option<String>,
}

/// Where the plan's facts come from.
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
enum Source {
    Demo,
    Directory {
        dir: PathBuf,
        expect_hash: Option<String>,
    },
}

async fn resolve(s: &AppState, req: &PlanRequest) -> Result<Source, ApiError> {
    match (req.run, req.snapshot.as_deref().map(str::trim)) {
        (Some(_), Some(_)) | (None, None) => Err(ApiError::bad_request(
            "give exactly one of `run` and `snapshot`",
        )),
        (Some(id), None) => {
            let run = s.store.run(id).await?;
            let snap = run.snapshot.ok_or_else(|| {
                ApiError::conflict(format!(
                    "run {id} recorded no snapshot (it failed before loading one)"
                ))
            })?;
            match (snap.source.as_str(), snap.location) {
                ("demo", _) => Ok(Source::Demo),
                (_, Some(dir)) => Ok(Source::Directory {
                    dir: PathBuf::from(dir),
                    expect_hash: Some(snap.content_hash),
                }),
                (_, None) => Err(ApiError::conflict(format!(
                    "run {id}'s snapshot has no directory to plan from"
                ))),
            }
        }
        (None, Some("demo")) => Ok(Source::Demo),
        (None, Some(dir)) => {
            let path = PathBuf::from(dir);
            if !s.config.input_allowed(&path) || !path.is_dir() {
                return Err(ApiError::bad_request(format!(
                    "snapshot `{dir}` is not a snapshot directory inside the server's --allow-input directories"
                )));
            }
            Ok(Source::Directory {
                dir: path,
                expect_hash: None,
            })
        }
    }
}

/// Compute a remediation plan (operator; changes nothing): the exact API calls that
/// fix what the chosen controls find. Apply it with `kensa remediate apply --plan`.
#[utoipa::path(post, path = "/remediation/plans", tag = "remediation", request_body = PlanRequest,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 501, body = ErrorBody)))]
pub async fn plan(
    State(s): State<AppState>,
    _caller: AsOperator,
    Body(req): Body<PlanRequest>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(compute_plan(&s, &req).await?))
}

/// The plan for `req`, as JSON (API and dashboard).
pub async fn compute_plan(s: &AppState, req: &PlanRequest) -> Result<Value, ApiError> {
    let source = resolve(s, req).await?;
    let req = req.clone();
    tokio::task::spawn_blocking(move || build(source, &req))
        .await
        .map_err(|e| ApiError::internal(format!("planning stopped: {e}")))?
}

#[cfg(feature = "aws")]
fn build(source: Source, req: &PlanRequest) -> Result<Value, ApiError> {
    use kensa_aws::collect::Extras;
    use kensa_aws::remediate::{build_plan, Mode, PlanRequest as Request, DEFAULT_CONTROLS};
    let mode = match req.mode.as_deref().map(str::trim) {
        None | Some("") | Some("revoke") => Mode::Revoke,
        Some("narrow") => Mode::Narrow,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "mode `{other}`: expected revoke or narrow"
            )))
        }
    };
    let controls: Vec<String> = match &req.controls {
        Some(c) if !c.is_empty() => c.iter().map(|c| c.trim().to_owned()).collect(),
        _ => DEFAULT_CONTROLS.iter().map(|c| c.to_string()).collect(),
    };
    let (snapshot, extras, label) = match source {
        Source::Demo => (
            kensa_model::demo::snapshot(),
            Extras::default(),
            "demo".to_owned(),
        ),
        Source::Directory { dir, expect_hash } => {
            if let Some(hash) = expect_hash {
                let now = kensa_store::hash_directory(&dir)
                    .map_err(|e| ApiError::conflict(format!("the run's snapshot: {e}")))?;
                if now != hash {
                    return Err(ApiError::conflict(format!(
                        "snapshot {} changed since the run assessed it; plan from the directory or start a new run",
                        dir.display()
                    )));
                }
            }
            let snapshot = kensa_model::Snapshot::load(&dir)
                .map_err(|e| ApiError::conflict(format!("snapshot {}: {e}", dir.display())))?;
            let extras = Extras::load(&dir)
                .map_err(|e| ApiError::conflict(format!("snapshot {}: {e}", dir.display())))?;
            (snapshot, extras, format!("snapshot {}", dir.display()))
        }
    };
    let plan = build_plan(&Request {
        snapshot: &snapshot,
        extras: &extras,
        controls: &controls,
        mode,
        source: label,
    })
    .map_err(|e| ApiError::bad_request(e.to_string()))?;
    serde_json::to_value(plan).map_err(|e| ApiError::internal(e.to_string()))
}

#[cfg(not(feature = "aws"))]
fn build(_source: Source, _req: &PlanRequest) -> Result<Value, ApiError> {
    Err(ApiError::new(
        axum::http::StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        "this kensa was built without AWS support; plan with `kensa remediate plan`",
    ))
}
