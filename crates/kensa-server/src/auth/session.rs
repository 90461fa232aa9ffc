//! Browser sessions: a token exchanged for an HttpOnly, SameSite=Strict cookie (Secure
//! under TLS) at `POST /api/v1/session`, ended by `DELETE /api/v1/session`. Each session
//! carries a synchronizer CSRF token that unsafe cookie-authenticated requests echo in
//! the `X-CSRF-Token` header or a `csrf_token` form field.
use std::net::SocketAddr;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::token::{random_bytes, sha256_hex, url_safe};
use super::{audit, Caller, Role, SessionInfo};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The browser session cookie (HttpOnly, SameSite=Strict, Secure with TLS).
pub const SESSION_COOKIE: &str = "kensa_session";
/// The header carrying the CSRF token on a cookie-authenticated unsafe API request.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field carrying the CSRF token on a dashboard form.
pub const CSRF_FIELD: &str = "csrf_token";
/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;

/// The CSRF token a form of this caller's session must carry (empty for bearer
/// callers, who need none).
pub fn csrf_token(caller: &Caller) -> &str {
    caller
        .session
        .as_ref()
        .map(|s| s.csrf.as_str())
        .unwrap_or("")
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// An API token (`kensa_...`).
    pub token: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionResponse {
    pub name: String,
    pub role: Role,
    /// Echo in `X-CSRF-Token` (or the `csrf_token` form field) on unsafe requests.
    pub csrf_token: String,
    pub expires_at: String,
}

/// Checks `secret` (rate-limited per client address) and opens a session: returns the
/// caller and the `Set-Cookie` value. The dashboard's login form calls this too.
pub async fn login(
    state: &AppState,
    client: Option<SocketAddr>,
    secret: &str,
) -> Result<(Caller, HeaderValue), ApiError> {
    let ip = client.map(|a| a.ip());
    if !state.login_limiter.allow(ip) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "too many login attempts from this address; wait a minute",
        ));
    }
    let token = state
        .verify_cache
        .verify(&state.store, secret.trim())
        .await?
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked token"))?;
    let role: Role = token
        .role
        .parse()
        .map_err(|e: String| ApiError::internal(format!("token {}: {e}", token.name)))?;
    let cookie_secret = url_safe(&random_bytes::<32>());
    let csrf = url_safe(&random_bytes::<32>());
    let expires_ms = now_millis() + SESSION_HOURS * 3_600_000;
    let expires_at = kensa_store::clock::format_millis(expires_ms);
    state
        .store
        .create_session(&sha256_hex(&cookie_secret), token.id, &csrf, &expires_at)
        .await?;
    let caller = Caller {
        token_id: token.id,
        name: token.name.clone(),
        role,
        session: Some(SessionInfo { csrf, expires_at }),
    };
    audit::record(
        &state.store,
        &caller,
        "session.create",
        "session",
        serde_json::json!({}),
    )
    .await?;
    let cookie = cookie_header(
        &cookie_secret,
        SESSION_HOURS * 3600,
        state.config.tls.is_some(),
    );
    Ok((caller, cookie))
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The `Set-Cookie` value for the session cookie (`max_age` 0 clears it).
pub fn cookie_header(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("cookie text is ASCII")
}

/// The session cookie's value in a request, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

/// Exchange a token for a session cookie.
#[utoipa::path(post, path = "/session", tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 200, description = "Session opened; the cookie is set", body = SessionResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Unknown or revoked token", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody),
    ),
    security(()))]
pub async fn create(
    State(state): State<AppState>,
    client: super::ClientAddr,
    crate::api::json::Body(body): crate::api::json::Body<LoginRequest>,
) -> Result<Response, ApiError> {
    let (caller, cookie) = login(&state, client.0, &body.token).await?;
    let session = caller.session.clone().unwrap_or_else(|| SessionInfo {
        csrf: String::new(),
        expires_at: String::new(),
    });
    let body = SessionResponse {
        name: caller.name,
        role: caller.role,
        csrf_token: session.csrf,
        expires_at: session.expires_at,
    };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// End the browser session (the cookie is cleared).
#[utoipa::path(delete, path = "/session", tag = "session",
    responses(
        (status = 204, description = "Session ended"),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 403, description = "Missing CSRF token", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(secret) = session_cookie(&headers) {
        state.store.delete_session(&sha256_hex(secret)).await?;
    }
    audit::record(
        &state.store,
        &caller,
        "session.delete",
        "session",
        serde_json::json!({}),
    )
    .await?;
    let clear = cookie_header("", 0, state.config.tls.is_some());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}
