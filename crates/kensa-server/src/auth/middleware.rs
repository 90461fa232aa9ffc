//! Resolving the caller once per request, and the CSRF check for cookie sessions.
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::session::{session_cookie, CSRF_FIELD, CSRF_HEADER};
use super::token::sha256_hex;
use super::{Caller, Role, SessionInfo};
use crate::error::ApiError;
use crate::state::AppState;

/// Middleware: puts the [`Caller`] into the request's extensions when a bearer token or
/// a session cookie authenticates it. A bearer token that does not verify is a 401 at
/// once (a client that sends one expects it to work); a stale cookie just means "not
/// logged in". Cookie-authenticated unsafe requests must carry the session's CSRF token.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match resolve(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

async fn resolve(state: &AppState, mut req: Request) -> Result<Request, ApiError> {
    if let Some(auth) = req.headers().get(header::AUTHORIZATION) {
        let auth = auth.to_str().unwrap_or("");
        let secret = auth.strip_prefix("Bearer ").ok_or_else(|| {
            ApiError::unauthorized("the Authorization header must be `Bearer TOKEN`")
        })?;
        let token = state
            .verify_cache
            .verify(&state.store, secret.trim())
            .await?
            .ok_or_else(|| ApiError::unauthorized("unknown or revoked token"))?;
        let role = parse_role(&token.name, &token.role)?;
        req.extensions_mut().insert(Caller {
            token_id: token.id,
            name: token.name,
            role,
            session: None,
        });
        return Ok(req);
    }
    let Some(cookie) = session_cookie(req.headers()).map(sha256_hex) else {
        return Ok(req);
    };
    let Some(session) = state.store.session(&cookie).await? else {
        return Ok(req);
    };
    let caller = Caller {
        token_id: session.token.id,
        role: parse_role(&session.token.name, &session.token.role)?,
        name: session.token.name,
        session: Some(SessionInfo {
            csrf: session.csrf,
            expires_at: session.expires_at,
        }),
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        req = check_csrf(state, req, super::csrf_token(&caller)).await?;
    }
    req.extensions_mut().insert(caller);
    Ok(req)
}

fn parse_role(name: &str, role: &str) -> Result<Role, ApiError> {
    role.parse()
        .map_err(|e: String| ApiError::internal(format!("token `{name}`: {e}")))
}

/// The CSRF token from the header, else from a urlencoded form body (which is read and
/// put back for the handler).
async fn check_csrf(state: &AppState, req: Request, expected: &str) -> Result<Request, ApiError> {
    let refuse = || ApiError::forbidden("missing or wrong CSRF token for this session");
    if let Some(sent) = req.headers().get(CSRF_HEADER) {
        return if constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            Ok(req)
        } else {
            Err(refuse())
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(refuse());
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, state.config.body_limit)
        .await
        .map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the form is too large",
            )
        })?;
    let sent = form_field(&bytes, CSRF_FIELD).unwrap_or_default();
    if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err(refuse());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        // CSRF tokens are URL-safe base64: no decoding needed beyond the field name.
        (k == name).then(|| v.to_string())
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    !b.is_empty()
        && a.len() == b.len()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_comparison_and_form_parsing() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abd", b"abc"));
        assert!(!constant_time_eq(b"", b""));
        assert_eq!(
            form_field(b"a=1&csrf_token=xyz", "csrf_token").as_deref(),
            Some("xyz")
        );
        assert_eq!(form_field(b"a=1", "csrf_token"), None);
    }
}
