//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`. Who may call what: README "kensa serve" roles table (the
//! authorization matrix test checks every route against it).
pub mod admin;
mod agents_doc;
pub mod alerts;
pub mod catalog;
pub mod cursor;
pub mod findings;
pub mod jobs;
pub mod json;
pub mod path;
pub mod remediation;
pub mod remediation_plan;
pub mod reports;
pub mod run_snapshot;
pub mod runs;
pub mod watch;

use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::auth::session;
use crate::state::AppState;

/// The OpenAPI document (paths relative to `/api/v1`).
#[derive(OpenApi)]
#[openapi(
    info(title = "kensa API", description = "kensa serve: targets, templates, runs, findings, tokens, audit log, schedules, account roles, workers, host agents, remediation journals and plans, CloudTrail alerts, continuous protection (watchers and their remediations). Authenticate with `Authorization: Bearer TOKEN` (see `kensa token create`)."),
    servers((url = "/api/v1")),
    paths(
        session::create, session::delete,
        catalog::list_targets, catalog::show_target, catalog::create_target, catalog::delete_target,
        catalog::list_templates, catalog::show_template, catalog::create_template, catalog::delete_template,
        runs::list, runs::show, runs::start, runs::cancel, runs::exclusions, runs::diff,
        reports::report, reports::compliance, path::trace,
        findings::list, findings::show, findings::mutes,
        admin::list_tokens, admin::create_token, admin::revoke_token, admin::audit_log,
        jobs::list_schedules, jobs::show_schedule, jobs::set_schedule, jobs::delete_schedule,
        jobs::list_account_roles, jobs::set_account_role, jobs::delete_account_role,
        jobs::list_workers, jobs::run_units,
        agents_doc::list, agents_doc::create_enrollment_token, agents_doc::enroll, agents_doc::heartbeat,
        agents_doc::telemetry, agents_doc::alerts, agents_doc::rejections, agents_doc::latest_telemetry,
        remediation::list, remediation::show, remediation::rollback, remediation::reset, remediation_plan::plan, alerts::list,
        watch::sessions, watch::remediations, watch::approve,
    ),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// Every API route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", post(session::create).delete(session::delete))
        .route(
            "/targets",
            get(catalog::list_targets).post(catalog::create_target),
        )
        .route(
            "/targets/{name}",
            get(catalog::show_target).delete(catalog::delete_target),
        )
        .route(
            "/templates",
            get(catalog::list_templates).post(catalog::create_template),
        )
        .route(
            "/templates/{name}",
            get(catalog::show_template).delete(catalog::delete_template),
        )
        .route("/runs", get(runs::list).post(runs::start))
        .route("/runs/{id}", get(runs::show))
        .route("/runs/{id}/cancel", post(runs::cancel))
        .route("/runs/{id}/exclusions", get(runs::exclusions))
        .route("/runs/{id}/diff/{other}", get(runs::diff))
        .route("/runs/{id}/report", get(reports::report))
        .route("/runs/{id}/compliance", get(reports::compliance))
        .route("/path", get(path::trace))
        .route("/findings", get(findings::list))
        .route("/findings/{id}", get(findings::show))
        .route("/mutes", get(findings::mutes))
        .route("/tokens", get(admin::list_tokens).post(admin::create_token))
        .route("/tokens/{name}", delete(admin::revoke_token))
        .route("/audit", get(admin::audit_log))
        .nest("/agents", crate::agents::routes())
        .route("/schedules", get(jobs::list_schedules))
        .route(
            "/schedules/{name}",
            get(jobs::show_schedule)
                .put(jobs::set_schedule)
                .delete(jobs::delete_schedule),
        )
        .route("/account-roles", get(jobs::list_account_roles))
        .route(
            "/account-roles/{id}",
            put(jobs::set_account_role).delete(jobs::delete_account_role),
        )
        .route("/workers", get(jobs::list_workers))
        .route("/runs/{id}/units", get(jobs::run_units))
        .route("/remediation/journals", get(remediation::list))
        .route("/remediation/journals/{id}", get(remediation::show))
        .route(
            "/remediation/journals/{id}/rollback",
            post(remediation::rollback),
        )
        .route("/remediation/journals/{id}/reset", post(remediation::reset))
        .route("/remediation/plans", post(remediation_plan::plan))
        .route("/alerts", get(alerts::list))
        .route("/watch", get(watch::sessions))
        .route("/watch/remediations", get(watch::remediations))
        .route("/watch/remediations/{id}/approve", post(watch::approve))
        .fallback(not_found)
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn not_found() -> crate::error::ApiError {
    crate::error::ApiError::not_found("no such API route")
}
