//! `/metrics` in Prometheus' text format: requests by route template, method and
//! status, and their total duration. Route templates (`/api/v1/runs/{id}`), never raw
//! paths, so a label never carries an id or a secret.
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Counter>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counter {
    count: u64,
    seconds: f64,
}

impl Metrics {
    fn observe(&self, route: String, method: String, status: u16, seconds: f64) {
        let mut map = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        let c = map.entry((route, method, status)).or_default();
        c.count += 1;
        c.seconds += seconds;
    }

    /// The text exposition of every counter, sorted (deterministic).
    pub fn exposition(&self) -> String {
        let map = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        out.push_str("# HELP kensa_http_requests_total HTTP requests served.\n");
        out.push_str("# TYPE kensa_http_requests_total counter\n");
        for ((route, method, status), c) in map.iter() {
            let _ = writeln!(
                out,
                "kensa_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {}",
                c.count
            );
        }
        out.push_str(
            "# HELP kensa_http_request_duration_seconds_sum Time spent serving requests.\n",
        );
        out.push_str("# TYPE kensa_http_request_duration_seconds_sum counter\n");
        for ((route, method, status), c) in map.iter() {
            let _ = writeln!(
                out,
                "kensa_http_request_duration_seconds_sum{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {:.6}",
                c.seconds
            );
        }
        out
    }
}

/// Middleware: counts every request under its matched route and logs it (method,
/// route, status, duration: never headers, the query or the body).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    tracing::info!(%method, %route, status, ms = (seconds * 1000.0).round() as u64, "request");
    state.metrics.observe(route, method, status, seconds);
    response
}

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.exposition(),
    )
}
