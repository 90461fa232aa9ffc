//! The API's errors: JSON `{"error": KIND, "detail": TEXT}` with a status that says
//! whose fault it was. Bad input is always a 4xx; a 5xx means the server or its store
//! failed, and its detail is logged rather than sent.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kensa_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: &'static str,
    pub detail: String,
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable kind: bad_request, unauthorized, forbidden, not_found, conflict,
    /// payload_too_large, too_many_requests, internal.
    pub error: String,
    /// What went wrong, for a person.
    pub detail: String,
}

impl ApiError {
    pub fn new(status: StatusCode, error: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            error,
            detail: detail.into(),
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", detail)
    }
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::NotFound { .. } => ApiError::not_found(e.to_string()),
            StoreError::Exists { .. } | StoreError::Conflict(_) | StoreError::Canceled(_) => {
                ApiError::conflict(e.to_string())
            }
            StoreError::Invalid { .. } => ApiError::bad_request(e.to_string()),
            _ => ApiError::internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let detail = if self.status.is_server_error() {
            tracing::error!(status = self.status.as_u16(), detail = %self.detail, "request failed");
            "the server could not complete the request; see its log".to_string()
        } else {
            self.detail
        };
        let body = ErrorBody {
            error: self.error.to_string(),
            detail,
        };
        (self.status, Json(body)).into_response()
    }
}
