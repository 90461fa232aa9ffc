//! What every page handler shares: the signed-in caller (or a redirect to the login
//! page), errors rendered as HTML pages, and links with query strings.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::layout;
use crate::auth::{Caller, Role};
use crate::error::ApiError;

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Nobody is signed in: go to the login page, then come back to `next`.
    Login {
        next: String,
    },
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError::Api(e)
    }
}

impl From<kensa_store::StoreError> for PageError {
    fn from(e: kensa_store::StoreError) -> Self {
        PageError::Api(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Login { next } => {
                Redirect::to(&format!("/login?next={}", encode(&next))).into_response()
            }
            PageError::Api(e) => {
                let detail = if e.status.is_server_error() {
                    tracing::error!(status = e.status.as_u16(), detail = %e.detail, "page failed");
                    "The server could not complete the request; see its log.".to_string()
                } else {
                    e.detail
                };
                let title = e.status.canonical_reason().unwrap_or("Error");
                let body = html! {
                    h1 { (e.status.as_u16()) " " (title) }
                    p.error { (detail) }
                    p { a href="/" { "Back to the overview" } }
                };
                (e.status, Html(layout::bare(title, body).into_string())).into_response()
            }
        }
    }
}

pub type PageResult = Result<Html<String>, PageError>;

/// A rendered page.
pub fn ok(markup: Markup) -> PageResult {
    Ok(Html(markup.into_string()))
}

/// A signed-in caller with at least role `R` (0 viewer, 1 operator, 2 admin); nobody
/// signed in goes to the login page.
#[derive(Debug, Clone)]
pub struct SignedIn<const R: u8>(pub Caller);

pub type Viewer = SignedIn<0>;
pub type Operator = SignedIn<1>;

impl<S: Send + Sync, const R: u8> FromRequestParts<S> for SignedIn<R> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(caller) = parts.extensions.get::<Caller>().cloned() else {
            let next = parts
                .uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.to_string());
            return Err(PageError::Login { next });
        };
        let role = match R {
            0 => Role::Viewer,
            1 => Role::Operator,
            _ => Role::Admin,
        };
        caller.require(role)?;
        Ok(SignedIn(caller))
    }
}

/// Percent-encodes a query value or path segment.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

/// `path?k=v&...` from the pairs whose value is not empty.
pub fn link(path: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// A 303 to `to` after a form was handled.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, to)]).into_response()
}

/// Keeps `next` on this site (a path, never `//host` or a scheme).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_skip_empty_values_and_encode() {
        assert_eq!(
            link(
                "/findings",
                &[("severity", "high".into()), ("rule", "".into())]
            ),
            "/findings?severity=high"
        );
        assert_eq!(
            link("/f", &[("tag", "Env=prod&x".into())]),
            "/f?tag=Env%3Dprod%26x"
        );
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/runs/3")), "/runs/3");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
