//! Host agents under `/api/v1/agents`: enrollment tokens (operator), enrollment,
//! heartbeat and telemetry upload (agent credential in `X-Kensa-Agent-Token`), the
//! agent list with health (viewer) and the log of refused requests (operator).
//!
//! Agents do not use API tokens: an enrollment token (made by an operator or admin,
//! reusable, revocable) is exchanged once for a per-agent credential. Both are 32
//! random bytes stored as SHA-256 only. Every refusal is logged and recorded.
mod alerts;
mod upload;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use kensa_store::{Agent, EnrollmentToken};
use serde::{Deserialize, Serialize};

use crate::auth::{AsOperator, AsViewer, Authorized, ClientAddr};
use crate::error::ApiError;
use crate::state::AppState;

pub use upload::{MAX_COMPRESSED_BYTES, MAX_DECOMPRESSED_BYTES};

/// Header carrying an enrollment token (enroll) or an agent credential (the rest).
pub const ENROLLMENT_HEADER: &str = "x-kensa-enrollment-token";
pub const CREDENTIAL_HEADER: &str = "x-kensa-agent-token";
/// An agent silent for longer than this is "agent unhealthy" unless the list asks
/// for another threshold.
pub const DEFAULT_STALE_MINUTES: i64 = kensa_store::agents::STALE_AFTER_MINUTES;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/enrollment-tokens", post(create_enrollment_token))
        .route("/enroll", post(enroll))
        .route("/heartbeat", post(heartbeat))
        .route("/telemetry", post(upload::upload))
        .route("/alerts", post(alerts::upload))
        .route("/rejections", get(rejections))
        .route("/{id}/telemetry", get(latest_telemetry))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEnrollmentToken {
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct CreatedEnrollmentToken {
    pub token: EnrollmentToken,
    /// Shown in this answer only.
    pub secret: String,
}

async fn create_enrollment_token(
    State(s): State<AppState>,
    Authorized(caller): AsOperator,
    Json(req): Json<NewEnrollmentToken>,
) -> Result<(StatusCode, Json<CreatedEnrollmentToken>), ApiError> {
    let secret = new_secret("kensa-enroll-")?;
    let token = s
        .store
        .create_enrollment_token(&req.name, &sha256_hex(&secret), &caller.name)
        .await?;
    tracing::info!(name = %token.name, by = %caller.name, "agent enrollment token created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedEnrollmentToken { token, secret }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct EnrollRequest {
    pub hostname: String,
    #[serde(default)]
    pub agent_version: String,
}

#[derive(Debug, Serialize)]
pub struct Enrolled {
    pub agent_id: String,
    /// The agent's own credential, shown in this answer only.
    pub credential: String,
}

async fn enroll(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Json(req): Json<EnrollRequest>,
) -> Result<(StatusCode, Json<Enrolled>), ApiError> {
    let remote = addr.map(|a| a.ip().to_string());
    let secret = header(&headers, ENROLLMENT_HEADER).unwrap_or_default();
    let Some(token) = s.store.enrollment_token(&sha256_hex(secret)).await? else {
        let e = ApiError::unauthorized("unknown or revoked enrollment token");
        return Err(refuse(&s, None, remote.as_deref(), e).await);
    };
    let hostname = req.hostname.trim();
    if hostname.is_empty() || hostname.len() > 255 || hostname.chars().any(char::is_control) {
        let e = ApiError::bad_request("hostname: 1 to 255 characters, no control characters");
        return Err(refuse(&s, None, remote.as_deref(), e).await);
    }
    let agent_id = uuid_v4()?;
    let credential = new_secret("kensa-agent-")?;
    s.store
        .create_agent(&agent_id, hostname, &sha256_hex(&credential), &token.name)
        .await?;
    s.store
        .agent_heartbeat(&agent_id, &req.agent_version)
        .await?;
    tracing::info!(agent = %agent_id, hostname, with = %token.name, "agent enrolled");
    Ok((
        StatusCode::CREATED,
        Json(Enrolled {
            agent_id,
            credential,
        }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct Heartbeat {
    #[serde(default)]
    pub agent_version: String,
}

async fn heartbeat(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Json(beat): Json<Heartbeat>,
) -> Result<StatusCode, ApiError> {
    let agent = authenticate_agent(&s, &headers, addr).await?;
    s.store
        .agent_heartbeat(&agent.id, &beat.agent_version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The agent a credential header names; 401 (logged, recorded) otherwise.
pub(crate) async fn authenticate_agent(
    s: &AppState,
    headers: &HeaderMap,
    addr: Option<std::net::SocketAddr>,
) -> Result<Agent, ApiError> {
    let credential = header(headers, CREDENTIAL_HEADER).unwrap_or_default();
    match s.store.agent_by_credential(&sha256_hex(credential)).await? {
        Some(agent) => Ok(agent),
        None => {
            let e = ApiError::unauthorized(format!(
                "missing or unknown agent credential (header {CREDENTIAL_HEADER}); enroll first"
            ));
            let remote = addr.map(|a| a.ip().to_string());
            Err(refuse(s, None, remote.as_deref(), e).await)
        }
    }
}

/// Logs and records a refusal, and gives the error back to be returned.
pub(crate) async fn refuse(
    s: &AppState,
    agent: Option<&str>,
    remote: Option<&str>,
    e: ApiError,
) -> ApiError {
    tracing::warn!(agent, remote, status = e.status.as_u16(), reason = %e.detail, "agent request refused");
    if let Err(store) = s
        .store
        .record_agent_rejection(agent, remote, i64::from(e.status.as_u16()), &e.detail)
        .await
    {
        tracing::error!(error = %store, "could not record a refused agent request");
    }
    e
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// Minutes without a heartbeat after which an agent is unhealthy.
    pub stale_minutes: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct AgentStatus {
    #[serde(flatten)]
    pub agent: Agent,
    /// `healthy` or `agent unhealthy` (no heartbeat within the threshold).
    pub health: &'static str,
}

async fn list(
    State(s): State<AppState>,
    _caller: AsViewer,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<AgentStatus>>, ApiError> {
    let minutes = q.stale_minutes.unwrap_or(DEFAULT_STALE_MINUTES);
    if !(0..=525_600).contains(&minutes) {
        return Err(ApiError::bad_request("stale_minutes: 0 to 525600"));
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let cutoff = kensa_store::clock::format_millis(now_ms - minutes * 60_000);
    let agents = s.store.agents().await?;
    Ok(Json(
        agents
            .into_iter()
            .map(|agent| {
                let fresh = agent.is_fresh(&cutoff);
                let health = if fresh { "healthy" } else { "agent unhealthy" };
                AgentStatus { agent, health }
            })
            .collect(),
    ))
}

async fn latest_telemetry(
    State(s): State<AppState>,
    _caller: AsViewer,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let doc = s
        .store
        .latest_telemetry(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no telemetry from agent {id}")))?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        doc,
    )
        .into_response())
}

#[derive(Debug, Serialize)]
pub struct Rejection {
    pub agent_id: Option<String>,
    pub status: i64,
    pub reason: String,
    pub at: String,
}

async fn rejections(
    State(s): State<AppState>,
    _caller: AsOperator,
) -> Result<Json<Vec<Rejection>>, ApiError> {
    let rows = s.store.agent_rejections(500).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(agent_id, status, reason, at)| Rejection {
                agent_id,
                status,
                reason,
                at,
            })
            .collect(),
    ))
}

use axum::response::IntoResponse;

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

pub(crate) fn sha256_hex(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(bytes)
}

fn new_secret(prefix: &str) -> Result<String, ApiError> {
    use base64::Engine;
    let bytes = random_bytes::<32>()?;
    Ok(format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// A random (version 4) UUID as text.
fn uuid_v4() -> Result<String, ApiError> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}
