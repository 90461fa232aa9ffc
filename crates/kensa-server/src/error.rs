//! The API's errors: JSON `{"error": KIND, "detail": TEXT}` with a status that says
//! whose fault it was. Bad input is always a 4xx; a 5xx means the server or its store
//! failed, and its detail is logged rather than sent.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kensa_store::StoreError;
use serde::Serialize;

/// An error answer: its status, a stable kind and a detail for a person (a 5xx's
/// detail is logged, not sent).
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable kind (`bad_request`, `not_found`, ...), the body's `error`.
    pub error: &'static str,
    /// What went wrong.
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
    /// An error of any status and kind.
    pub fn new(status: StatusCode, error: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            error,
            detail: detail.into(),
        }
    }
    /// 400: the request is wrong, `detail` says what and where.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }
    /// 401: no token, or one the server does not know.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }
    /// 403: the caller's role is too low (or the CSRF token is missing).
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }
    /// 404: no such thing.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }
    /// 409: the request conflicts with the current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", detail)
    }
    /// 500: the server or its store failed; `detail` goes to the log only.
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
