//! The server-rendered dashboard (owner: serve-dash), merged at `/`: login, overview,
//! runs, targets, templates, findings, compliance per framework and a reachability question, as plain HTML from
//! the server (maud, auto-escaped). No inline script or style anywhere: the stylesheet
//! and the one small script are served from `/assets/` under content-hashed names, so
//! the strict CSP holds and browsers cache them for good.
mod admin;
mod alerts;
mod assets;
mod catalog;
mod chart;
mod compliance;
mod diff;
mod findings;
mod layout;
mod login;
mod overview;
mod page;
mod reach;
mod remediation;
mod runs;
mod watch;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// Rows on a page of findings.
pub const PAGE_SIZE: i64 = 50;

/// The dashboard's pages and assets.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::show))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/runs", get(runs::list).post(runs::start))
        .route("/runs/{id}", get(runs::show))
        .route("/runs/{id}/cancel", post(runs::cancel))
        .route("/runs/{id}/diff/{other}", get(diff::show))
        .route("/targets", get(catalog::targets))
        .route("/targets/{name}", get(catalog::target))
        .route("/templates", get(catalog::templates))
        .route("/templates/{name}", get(catalog::template))
        .route("/compliance", get(compliance::show))
        .route("/findings", get(findings::list))
        .route("/findings/{id}", get(findings::show))
        .route("/reach", get(reach::show))
        .route("/alerts", get(alerts::list))
        .route("/remediation", get(remediation::list))
        .route("/remediation/{id}", get(remediation::show))
        .route("/remediation/{id}/rollback", post(remediation::rollback))
        .route("/remediation/{id}/reset", post(remediation::reset))
        .route("/watch", get(watch::show))
        .route("/watch/remediations/{id}/approve", post(watch::approve))
        .route("/admin", get(admin::show))
        .route("/admin/tokens", post(admin::create))
        .route("/admin/tokens/{name}/revoke", post(admin::revoke))
        .route("/assets/{name}", get(assets::serve))
}
