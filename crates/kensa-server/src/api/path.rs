//! `GET /path`: can a packet get from A to B in the snapshot a run assessed, hop by hop
//! (what `kensa path` answers, with the same words for endpoints and protocols).
use axum::extract::State;
use axum::Json;
use kensa_model::Snapshot;
use kensa_net::path::{query, Endpoint, PathAnswer, Verdict};
use serde::{Deserialize, Serialize};

use super::json::Query;
use super::run_snapshot::{blocking, snapshot_of};
use crate::auth::AsViewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Longest endpoint accepted (an ARN of a load balancer is well under this).
const MAX_ENDPOINT: usize = 512;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PathQuery {
    /// The run whose snapshot is asked (see `GET /runs`).
    pub run: i64,
    /// Source: `internet`, `on-premises`, an IP address or CIDR, an instance id, an ENI
    /// id, or a gateway/connection id (`igw-…`, `pcx-…`, `tgw-…`, `vgw-…`, `vpn-…`, …).
    pub from: String,
    /// Destination: anything `from` accepts, or a load balancer name/ARN (then `port` is
    /// the listener port).
    pub to: String,
    /// tcp (default), udp, icmp, icmpv6 or all.
    pub protocol: Option<String>,
    /// Destination port; required for tcp and udp (for ICMP: type*256+code).
    pub port: Option<u16>,
}

/// `verdict`: reachable, blocked, or indeterminate (the packet reaches a component kensa
/// does not evaluate or the snapshot does not hold: a person must look).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PathReply {
    pub run: i64,
    pub from: String,
    pub to: String,
    pub protocol: String,
    pub port: Option<u16>,
    #[schema(value_type = String, example = "reachable")]
    pub verdict: Verdict,
    /// The hops the packet took, source first.
    pub path: Vec<HopBody>,
    /// Where it stopped (blocked) or where kensa could not tell (indeterminate).
    pub blocked_at: Option<BlockedBody>,
    /// The concrete source and destination addresses of the traced packet.
    pub source: Option<String>,
    pub destination: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HopBody {
    pub component_id: String,
    pub component_type: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BlockedBody {
    pub component_id: String,
    pub component_type: String,
    /// Reachability Analyzer style explanation code (`ENI_SG_RULES_MISMATCH`, ...).
    pub code: String,
    pub reason: Option<String>,
}

/// A validated endpoint, or a 400 naming the parameter.
fn endpoint(field: &str, text: &str) -> Result<Endpoint, ApiError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ApiError::bad_request(format!("{field} is empty: give `internet`, an IP address, an instance, ENI, load balancer or gateway id")));
    }
    if t.len() > MAX_ENDPOINT || t.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "{field}: not an endpoint (control characters or longer than {MAX_ENDPOINT})"
        )));
    }
    Ok(t.parse().unwrap_or_else(|never| match never {}))
}

/// Asks the path engine; every refusal is the caller's (400) and says why.
pub fn ask(
    snap: &Snapshot,
    from: &str,
    to: &str,
    protocol: &str,
    port: Option<u16>,
) -> Result<PathAnswer, ApiError> {
    let (from, to) = (endpoint("from", from)?, endpoint("to", to)?);
    // The engine's messages name the CLI's options; here they are query parameters.
    query(snap, &from, &to, protocol, port)
        .map_err(|e| ApiError::bad_request(e.to_string().replace("--", "")))
}

/// Can a packet get from `from` to `to` in run `run`'s snapshot, and through which hops.
#[utoipa::path(get, path = "/path", tag = "network", params(PathQuery),
    responses((status = 200, body = PathReply), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn trace(
    State(s): State<AppState>,
    _caller: AsViewer,
    Query(q): Query<PathQuery>,
) -> Result<Json<PathReply>, ApiError> {
    let protocol = q
        .protocol
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or("tcp")
        .to_ascii_lowercase();
    // Refuse bad endpoints before reading the snapshot.
    endpoint("from", &q.from)?;
    endpoint("to", &q.to)?;
    let run = s.store.run(q.run).await?;
    let snap = snapshot_of(&s, &run).await?;
    let (from, to, proto, port) = (q.from.clone(), q.to.clone(), protocol.clone(), q.port);
    let answer = blocking(move || ask(&snap, &from, &to, &proto, port)).await??;
    Ok(Json(PathReply {
        run: run.id,
        from: q.from.trim().to_string(),
        to: q.to.trim().to_string(),
        protocol,
        port: q.port,
        verdict: answer.verdict,
        path: answer
            .path
            .into_iter()
            .map(|h| HopBody {
                component_id: h.component_id,
                component_type: h.component_type,
            })
            .collect(),
        blocked_at: answer.blocked_at.map(|b| BlockedBody {
            component_id: b.component_id,
            component_type: b.component_type,
            code: b.code.as_str().to_string(),
            reason: b.reason,
        }),
        source: answer.source,
        destination: answer.destination,
    }))
}
