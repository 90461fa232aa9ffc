//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`.
use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::auth::session;
use crate::state::AppState;

/// The OpenAPI document (paths relative to `/api/v1`).
#[derive(OpenApi)]
#[openapi(
    info(title = "kensa API", description = "kensa serve: targets, templates, runs, findings, reports. Authenticate with `Authorization: Bearer TOKEN` (see `kensa token create`)."),
    servers((url = "/api/v1")),
    paths(session::create, session::delete),
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
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
