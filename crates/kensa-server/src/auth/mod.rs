//! Who is calling: API tokens with roles, browser sessions, CSRF, the login rate limit
//! and the audit log.
//!
//! [`authenticate`] (middleware on every route) resolves the caller once, from
//! `Authorization: Bearer` or the session cookie, and refuses a cookie-authenticated
//! unsafe request without the session's CSRF token; handlers then take [`Caller`] (401
//! when nobody is authenticated) and call [`Caller::require`].
pub mod audit;
mod middleware;
pub(crate) mod rate_limit;
mod role;
pub(crate) mod session;
pub mod token;

pub use middleware::authenticate;
pub use role::Role;
pub use session::{csrf_token, CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The store's id of the token (recorded in the audit log).
    pub token_id: i64,
    /// The token's name (shown in the audit log).
    pub name: String,
    /// What the token may do.
    pub role: Role,
    /// Present when authenticated by the browser session cookie.
    pub session: Option<SessionInfo>,
}

/// What a browser session adds: the token forms must echo back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// The CSRF token every unsafe request of the session must carry.
    pub csrf: String,
    /// When the session ends (RFC 3339 UTC).
    pub expires_at: String,
}

impl Caller {
    /// 403 unless the caller's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the {role} role; token `{}` is {}",
                self.name, self.role
            )))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            ApiError::unauthorized(
                "authentication required: send `Authorization: Bearer TOKEN` or log in",
            )
        })
    }
}

/// The caller when there is one (pages that show a login form otherwise).
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Caller>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeCaller(parts.extensions.get::<Caller>().cloned()))
    }
}

/// The client's socket address when the server was started with connect info (always
/// under `serve`; absent in in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// A caller with at least role `R` (0 viewer, 1 operator, 2 admin), checked before any
/// other extractor reads the request, so a caller without the role gets 403 whatever
/// the body holds. Use the [`AsViewer`], [`AsOperator`] and [`AsAdmin`] aliases.
#[derive(Debug, Clone)]
pub struct Authorized<const R: u8>(pub Caller);

/// A caller with at least the viewer role.
pub type AsViewer = Authorized<0>;
/// A caller with at least the operator role.
pub type AsOperator = Authorized<1>;
/// A caller with the admin role.
pub type AsAdmin = Authorized<2>;

impl<const R: u8> Authorized<R> {
    /// The least role this extractor accepts.
    pub const ROLE: Role = match R {
        0 => Role::Viewer,
        1 => Role::Operator,
        _ => Role::Admin,
    };
}

impl<S: Send + Sync, const R: u8> FromRequestParts<S> for Authorized<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(Self::ROLE)?;
        Ok(Authorized(caller))
    }
}
