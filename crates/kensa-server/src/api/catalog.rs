//! Targets and templates.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kensa_store::{NewTarget, NewTemplate, TagPair, Target, Template};
use serde::Deserialize;
use serde_json::{json, Value};

use super::json::{Body, Path};
use crate::auth::{audit, AsAdmin, AsViewer, Authorized};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRequest {
    pub name: String,
    /// Account ids (empty: all the snapshot holds).
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    /// Resource group tag pairs `KEY=VALUE` (an instance with any of them is in).
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRequest {
    pub name: String,
    pub target: String,
    /// network-reachability, config, cve.
    pub packages: Vec<String>,
    pub framework: Option<String>,
    /// `KEY=VALUE` attributes added to every finding.
    #[serde(default)]
    pub user_attributes: Vec<String>,
    /// `EVENT=ENDPOINT` subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<String>,
}

/// List targets.
#[utoipa::path(get, path = "/targets", tag = "targets",
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody)))]
pub async fn list_targets(
    State(s): State<AppState>,
    _caller: AsViewer,
) -> Result<Json<Vec<Target>>, ApiError> {
    Ok(Json(s.store.targets().await?))
}

/// One target.
#[utoipa::path(get, path = "/targets/{name}", tag = "targets",
    params(("name" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_target(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(name): Path<String>,
) -> Result<Json<Target>, ApiError> {
    Ok(Json(s.store.target(&name).await?))
}

/// Create a target (admin).
#[utoipa::path(post, path = "/targets", tag = "targets", request_body = TargetRequest,
    responses(
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),(status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_target(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Body(req): Body<TargetRequest>,
) -> Result<(StatusCode, Json<Target>), ApiError> {
    check_ids(&req.accounts, &req.regions)?;
    let tags = req
        .tags
        .iter()
        .map(|t| t.parse::<TagPair>())
        .collect::<Result<Vec<_>, _>>()?;
    let target = s
        .store
        .create_target(&NewTarget {
            name: req.name,
            accounts: req.accounts,
            regions: req.regions,
            tags,
        })
        .await?;
    audit::record(
        &s.store,
        &caller,
        "target.create",
        &format!("target:{}", target.name),
        json!(target),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(target)))
}

/// Delete a target (admin; refused while a template uses it).
#[utoipa::path(delete, path = "/targets/{name}", tag = "targets", params(("name" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_target(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.store.delete_target(&name).await?;
    audit::record(
        &s.store,
        &caller,
        "target.delete",
        &format!("target:{name}"),
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List templates.
#[utoipa::path(get, path = "/templates", tag = "templates",
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody)))]
pub async fn list_templates(
    State(s): State<AppState>,
    _caller: AsViewer,
) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(s.store.templates().await?))
}

/// One template.
#[utoipa::path(get, path = "/templates/{name}", tag = "templates", params(("name" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_template(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(name): Path<String>,
) -> Result<Json<Template>, ApiError> {
    Ok(Json(s.store.template(&name).await?))
}

/// Create a template (admin).
#[utoipa::path(post, path = "/templates", tag = "templates", request_body = TemplateRequest,
    responses(
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),(status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_template(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Body(req): Body<TemplateRequest>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    let user_attributes = req
        .user_attributes
        .iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(ApiError::bad_request(format!(
                "user attribute `{a}`: expected KEY=VALUE"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let subscriptions = req
        .subscriptions
        .iter()
        .map(|x| x.parse())
        .collect::<Result<Vec<_>, _>>()?;
    let template = s
        .store
        .create_template(&NewTemplate {
            name: req.name,
            target: req.target,
            packages: req.packages,
            framework: req.framework,
            user_attributes,
            subscriptions,
        })
        .await?;
    audit::record(
        &s.store,
        &caller,
        "template.create",
        &format!("template:{}", template.name),
        json!(template),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(template)))
}

/// Delete a template and (with runs=true) its runs (admin).
#[utoipa::path(delete, path = "/templates/{name}", tag = "templates", params(("name" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_template(
    State(s): State<AppState>,
    Authorized(caller): AsAdmin,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.store.delete_template(&name, false).await?;
    audit::record(
        &s.store,
        &caller,
        "template.delete",
        &format!("template:{name}"),
        Value::Null,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Account ids are 12 digits; regions look like `us-east-1` or `us-gov-west-1`.
fn check_ids(accounts: &[String], regions: &[String]) -> Result<(), ApiError> {
    if let Some(a) = accounts
        .iter()
        .find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::bad_request(format!(
            "account `{}`: expected a 12-digit AWS account id",
            a.escape_debug()
        )));
    }
    let region_ok = |r: &str| {
        let parts: Vec<&str> = r.split('-').collect();
        parts.len() >= 3
            && parts.len() <= 4
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts[parts.len() - 1].parse::<u8>().is_ok()
    };
    if let Some(r) = regions.iter().find(|r| !region_ok(r)) {
        return Err(ApiError::bad_request(format!(
            "region `{}`: expected an AWS region such as us-east-1",
            r.escape_debug()
        )));
    }
    Ok(())
}
