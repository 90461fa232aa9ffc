//! `POST /api/v1/agents/telemetry`: one gzipped telemetry document, with its upload id
//! and sequence number in headers. Checked in order: credential (401), compressed size
//! (413), headers (400), decompressed size (413), schema (400 with the reason), then
//! stored once: a known upload id or a sequence not above the last stored is a 409.
use std::io::Read;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use kensa_store::{NewUpload, UploadOutcome};
use kensa_telemetry::Telemetry;
use serde::Serialize;

use super::{authenticate_agent, header, refuse};
use crate::auth::ClientAddr;
use crate::error::ApiError;
use crate::state::AppState;

/// Largest gzipped body (the server-wide body limit applies first).
pub const MAX_COMPRESSED_BYTES: usize = 4 << 20;
/// Largest document after decompression (a gzip bomb stops here).
pub const MAX_DECOMPRESSED_BYTES: usize = 32 << 20;
pub const UPLOAD_ID_HEADER: &str = "x-kensa-upload-id";
pub const SEQUENCE_HEADER: &str = "x-kensa-sequence";

#[derive(Debug, Serialize)]
pub struct Stored {
    pub agent_id: String,
    pub upload_id: String,
    pub sequence: i64,
}

pub async fn upload(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    let agent = authenticate_agent(&s, &headers, addr).await?;
    let remote = addr.map(|a| a.ip().to_string());
    let checked = check(&headers, body).await;
    let (upload_id, sequence, compressed, doc, json) = match checked {
        Ok(ok) => ok,
        Err(e) => return Err(refuse(&s, Some(&agent.id), remote.as_deref(), e).await),
    };
    let outcome = s
        .store
        .record_upload(&NewUpload {
            agent_id: &agent.id,
            upload_id: &upload_id,
            sequence,
            collected_at: &doc.collected_at,
            compressed_bytes: compressed as i64,
            telemetry: &json,
        })
        .await?;
    let conflict = match outcome {
        UploadOutcome::Stored => {
            tracing::info!(agent = %agent.id, upload = %upload_id, sequence, "telemetry stored");
            return Ok((
                StatusCode::CREATED,
                Json(Stored {
                    agent_id: agent.id,
                    upload_id,
                    sequence,
                }),
            ));
        }
        UploadOutcome::Duplicate => format!("upload {upload_id} was already received"),
        UploadOutcome::Stale { last_sequence } => format!(
            "sequence {sequence} is not above the last received ({last_sequence}): replayed or out of order"
        ),
    };
    Err(refuse(
        &s,
        Some(&agent.id),
        remote.as_deref(),
        ApiError::conflict(conflict),
    )
    .await)
}

type Checked = (String, i64, usize, Telemetry, String);

async fn check(headers: &HeaderMap, body: Body) -> Result<Checked, ApiError> {
    let (upload_id, sequence, compressed, json) = read_upload(headers, body).await?;
    let doc = Telemetry::from_json(&json)
        .map_err(|e| ApiError::bad_request(format!("telemetry refused: {e}")))?;
    let text = String::from_utf8(json)
        .map_err(|_| ApiError::bad_request("telemetry refused: not UTF-8"))?;
    Ok((upload_id, sequence, compressed, doc, text))
}

/// The checks every agent upload gets, telemetry or alerts: compressed size, upload id
/// and sequence headers, gzip, decompressed size. Gives the id, sequence, compressed
/// size and the JSON bytes.
pub(super) async fn read_upload(
    headers: &HeaderMap,
    body: Body,
) -> Result<(String, i64, usize, Vec<u8>), ApiError> {
    let too_large = |what: &str, limit: usize| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("{what} is larger than {limit} bytes"),
        )
    };
    let compressed = axum::body::to_bytes(body, MAX_COMPRESSED_BYTES)
        .await
        .map_err(|_| too_large("the compressed body", MAX_COMPRESSED_BYTES))?;
    let upload_id = header(headers, UPLOAD_ID_HEADER)
        .filter(|id| is_uuid(id))
        .ok_or_else(|| {
            ApiError::bad_request(format!("header {UPLOAD_ID_HEADER}: a UUID is required"))
        })?
        .to_ascii_lowercase();
    let sequence = header(headers, SEQUENCE_HEADER)
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|s| *s > 0)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "header {SEQUENCE_HEADER}: a positive integer is required"
            ))
        })?;
    if header(headers, "content-encoding") != Some("gzip") {
        return Err(ApiError::bad_request(
            "the body must be gzip (Content-Encoding: gzip)",
        ));
    }
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .take(MAX_DECOMPRESSED_BYTES as u64 + 1)
        .read_to_end(&mut json)
        .map_err(|e| ApiError::bad_request(format!("the body is not valid gzip: {e}")))?;
    if json.len() > MAX_DECOMPRESSED_BYTES {
        return Err(too_large(
            "the decompressed document",
            MAX_DECOMPRESSED_BYTES,
        ));
    }
    Ok((upload_id, sequence, compressed.len(), json))
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}
