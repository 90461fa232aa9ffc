//! Signing in with an API token (exchanged for the session cookie by the same function
//! the API's `POST /session` uses, so the rate limit and audit apply) and out again.
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::bare;
use super::page::{safe_next, see_other, PageError};
use crate::auth::session::{cookie_header, login, session_cookie};
use crate::auth::token::sha256_hex;
use crate::auth::{audit, ClientAddr, MaybeCaller};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    token: String,
    next: Option<String>,
}

fn login_page(next: &str, error: Option<&str>) -> Markup {
    bare(
        "Sign in",
        html! {
            h1 { "Sign in" }
            p.muted { "Paste an API token. An administrator creates one with "
                code { "kensa token create --role viewer --name NAME" } "." }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form.login method="post" action="/login" {
                input type="hidden" name="next" value=(next);
                label for="token" { "API token" }
                input #token type="password" name="token" autocomplete="off" required autofocus;
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// The login form; a signed-in caller goes straight on.
pub async fn form(MaybeCaller(caller): MaybeCaller, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    if caller.is_some() {
        return see_other(&next);
    }
    Html(login_page(&next, None).into_string()).into_response()
}

/// Checks the token and sets the session cookie; a wrong token shows the form again
/// with the reason (401, or 429 when rate-limited).
pub async fn submit(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    if !same_origin(&headers) {
        // Login CSRF: another site must not sign this browser in under its token.
        let page = login_page(
            &next,
            Some("This sign-in came from another site; use the form on this page."),
        );
        return (StatusCode::FORBIDDEN, Html(page.into_string())).into_response();
    }
    match login(&state, client.0, &f.token).await {
        Ok((_, cookie)) => {
            let mut res = see_other(&next);
            res.headers_mut().insert(header::SET_COOKIE, cookie);
            res
        }
        Err(e) if e.status.is_client_error() => {
            let page = login_page(&next, Some(&e.detail));
            (e.status, Html(page.into_string())).into_response()
        }
        Err(e) => PageError::Api(e).into_response(),
    }
}

/// Whether the form was posted from this site. Browsers say where a request comes from
/// in `Sec-Fetch-Site` and in `Origin` (which is `null` under this site's no-referrer
/// policy, so says nothing then); either naming another site refuses the login.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if matches!(text("sec-fetch-site"), Some("cross-site" | "same-site")) {
        return false;
    }
    match text("origin") {
        None | Some("null") => true,
        Some(origin) => {
            let host = text("host").unwrap_or("");
            let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
            !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
        }
    }
}

/// Ends the session (the CSRF field was checked by the middleware) and clears the
/// cookie.
pub async fn logout(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if let (Some(caller), Some(secret)) = (caller, session_cookie(&headers)) {
        state.store.delete_session(&sha256_hex(secret)).await?;
        audit::record(
            &state.store,
            &caller,
            "session.delete",
            "session",
            serde_json::json!({}),
        )
        .await?;
    }
    let mut res = see_other("/login");
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookie_header("", 0, state.config.tls.is_some()),
    );
    Ok(res)
}
