//! `POST /api/v1/agents/alerts`: a gzipped batch of the agent's runtime alerts (shell
//! history deleted, truncated or replaced), checked like telemetry (credential, sizes,
//! upload id and sequence headers, schema) and stored with the CloudTrail alerts: the
//! instance (or the host, when the agent does not know its instance id) is the
//! resource, the acting process and user the principal. Each alert is stored once
//! (its dedup key is the agent and the alert's UUID); a batch that adds nothing (a
//! replay, or a resend whose answer was lost) is a 409.
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use kensa_store::NewAlert;
use kensa_telemetry::{Actor, AlertBatch, HostAlert};
use serde::Serialize;

use super::upload::read_upload;
use super::{authenticate_agent, refuse};
use crate::auth::ClientAddr;
use crate::error::ApiError;
use crate::state::AppState;

/// Priority of a history alert (Falco's "Delete or rename shell history" is a Warning).
const PRIORITY: &str = "Warning";

#[derive(Debug, Serialize)]
pub struct StoredAlerts {
    pub agent_id: String,
    pub upload_id: String,
    pub sequence: i64,
    /// Alerts added by this batch (the others were already stored).
    pub stored: usize,
}

pub async fn upload(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<StoredAlerts>), ApiError> {
    let agent = authenticate_agent(&s, &headers, addr).await?;
    let remote = addr.map(|a| a.ip().to_string());
    let checked = match read_upload(&headers, body).await {
        Ok((id, seq, _, json)) => AlertBatch::from_json(&json)
            .map(|batch| (id, seq, batch))
            .map_err(|e| ApiError::bad_request(format!("alerts refused: {e}"))),
        Err(e) => Err(e),
    };
    let (upload_id, sequence, batch) = match checked {
        Ok(ok) => ok,
        Err(e) => return Err(refuse(&s, Some(&agent.id), remote.as_deref(), e).await),
    };
    let mut stored = 0;
    for alert in &batch.alerts {
        if s.store
            .record_alert(&to_alert(&agent.id, &batch, alert))
            .await?
        {
            stored += 1;
        }
    }
    if stored == 0 {
        let e = ApiError::conflict(format!(
            "upload {upload_id}: every alert in it was already received"
        ));
        return Err(refuse(&s, Some(&agent.id), remote.as_deref(), e).await);
    }
    tracing::info!(agent = %agent.id, upload = %upload_id, sequence, stored, "host alerts stored");
    Ok((
        StatusCode::CREATED,
        Json(StoredAlerts {
            agent_id: agent.id,
            upload_id,
            sequence,
            stored,
        }),
    ))
}

fn to_alert(agent_id: &str, batch: &AlertBatch, a: &HostAlert) -> NewAlert {
    let resource = batch
        .instance_id
        .clone()
        .unwrap_or_else(|| format!("host/{}", batch.hostname));
    let who = principal(&a.who);
    let size = match (a.size_before, a.detail.as_deref()) {
        (Some(before), Some(detail)) => format!(" (was {before} bytes, {detail})"),
        (None, Some(detail)) => format!(" ({detail})"),
        (Some(before), None) => format!(" (was {before} bytes)"),
        (None, None) => String::new(),
    };
    let output = format!(
        "{}: {}{size} on {} by {who}",
        a.change.rule(),
        a.path,
        batch.hostname
    );
    NewAlert {
        dedup_key: format!("agent:{agent_id}:{}", a.id),
        rule: a.change.rule().to_string(),
        priority: PRIORITY.to_string(),
        event_id: Some(a.id.clone()),
        event_name: Some(a.change.rule().to_string()),
        event_time: Some(a.time.clone()),
        account: batch.account.clone(),
        region: batch.region.clone(),
        principal: Some(who),
        resource: Some(resource),
        output,
        origin: format!("agent {agent_id} ({})", batch.hostname),
        body: serde_json::json!({
            "source": "kensa-agent",
            "hostname": batch.hostname,
            "instance_id": batch.instance_id,
            "alert": a,
        }),
    }
}

/// "user root (uid 0), process rm (pid 4242, /usr/bin/rm)", or the reason it is unknown.
fn principal(who: &Actor) -> String {
    let Some(pid) = who.pid else {
        return who.note.clone().unwrap_or_else(|| "who unknown".into());
    };
    let user = match (&who.user, who.uid) {
        (Some(u), Some(uid)) => format!("user {u} (uid {uid}), "),
        (None, Some(uid)) => format!("uid {uid}, "),
        _ => String::new(),
    };
    let process = match (&who.process, &who.exe) {
        (Some(p), Some(exe)) => format!("process {p} (pid {pid}, {exe})"),
        (Some(p), None) => format!("process {p} (pid {pid})"),
        _ => format!("pid {pid}"),
    };
    let note = who
        .note
        .as_deref()
        .map(|n| format!("; {n}"))
        .unwrap_or_default();
    format!("{user}{process}{note}")
}
