//! The stylesheet and script, compiled into the binary and served under names that
//! carry a hash of their content: a new build gets new names, so the browser may keep
//! each one for a year without ever running stale code.
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("assets/dashboard.css");
const JS: &str = include_str!("assets/dashboard.js");

struct Asset {
    name: String,
    etag: String,
    body: &'static str,
    content_type: &'static str,
}

fn hashed(stem: &str, ext: &str, body: &'static str, content_type: &'static str) -> Asset {
    let digest = hex::encode(&Sha256::digest(body.as_bytes())[..6]);
    Asset {
        name: format!("{stem}.{digest}.{ext}"),
        etag: format!("\"{digest}\""),
        body,
        content_type,
    }
}

fn assets() -> &'static [Asset; 2] {
    static ASSETS: OnceLock<[Asset; 2]> = OnceLock::new();
    ASSETS.get_or_init(|| {
        [
            hashed("dashboard", "css", CSS, "text/css; charset=utf-8"),
            hashed("dashboard", "js", JS, "text/javascript; charset=utf-8"),
        ]
    })
}

/// `/assets/dashboard.HASH.css`
pub fn stylesheet_path() -> String {
    format!("/assets/{}", assets()[0].name)
}

/// `/assets/dashboard.HASH.js`
pub fn script_path() -> String {
    format!("/assets/{}", assets()[1].name)
}

pub async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = assets().iter().find(|a| a.name == name) else {
        return (StatusCode::NOT_FOUND, "no such asset\n").into_response();
    };
    let etag = HeaderValue::from_str(&asset.etag).expect("hex etag");
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    if headers.get(header::IF_NONE_MATCH) == Some(&etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body,
    )
        .into_response()
}
