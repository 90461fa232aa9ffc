//! The OpenAPI description of the host-agent routes under `/agents` (served by
//! [`crate::agents`]). They are described here, apart from their handlers, so the
//! document covers every route without the agent module depending on the API's
//! documentation types. The functions below only carry `#[utoipa::path]`; they are
//! never routed or called. Agent routes authenticate with their own headers, not API
//! tokens: an enrollment token (`X-Kensa-Enrollment-Token`) to enroll, then the agent's
//! credential (`X-Kensa-Agent-Token`). Their request bodies are read with axum's own
//! JSON extractor, whose refusals (400 for a body that is not JSON, 415, 422) are plain
//! text, and are documented so.
#![allow(dead_code)]

use serde::Deserialize;

use crate::error::ErrorBody;

/// `POST /agents/enrollment-tokens`: a name for the new enrollment token.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnrollmentTokenDoc {
    /// Unique name of the enrollment token.
    pub name: String,
}

/// `POST /agents/enroll`: the host asking to enroll.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EnrollDoc {
    /// The host's name (1 to 255 characters, no control characters).
    pub hostname: String,
    /// The agent's version.
    pub agent_version: Option<String>,
}

/// `POST /agents/heartbeat`: the agent says it is alive.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HeartbeatDoc {
    /// The agent's version.
    pub agent_version: Option<String>,
}

/// Query of `GET /agents`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AgentListDoc {
    /// Minutes without a heartbeat after which an agent is `agent unhealthy` (default 15).
    #[param(minimum = 0, maximum = 525600)]
    pub stale_minutes: Option<i64>,
}

/// Enrolled agents with their last heartbeat and `health` (`healthy`, or `agent
/// unhealthy` after `stale_minutes` without a heartbeat).
#[utoipa::path(get, path = "/agents", tag = "agents", params(AgentListDoc),
    responses((status = 200, body = [Object]), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub fn list() {}

/// Create an enrollment token (operator); its secret is in this answer only.
#[utoipa::path(post, path = "/agents/enrollment-tokens", tag = "agents",
    request_body = NewEnrollmentTokenDoc,
    responses((status = 201, body = Object),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 400, description = "bad input (JSON), or a body that is not JSON (text)", content((ErrorBody = "application/json"), (String = "text/plain"))),
        (status = 415, description = "the body is not sent as application/json", body = String, content_type = "text/plain"),
        (status = 422, description = "the body is not the documented JSON", body = String, content_type = "text/plain")))]
pub fn create_enrollment_token() {}

/// Enroll a host with an enrollment token: answers the agent's id and its own
/// credential (shown once). No API token needed; 401 without a valid enrollment token.
#[utoipa::path(post, path = "/agents/enroll", tag = "agents", request_body = EnrollDoc,
    params(("x-kensa-enrollment-token" = Option<String>, Header, description = "An enrollment token's secret")),
    security(()),
    responses((status = 201, body = Object), (status = 401, body = ErrorBody),
        (status = 400, description = "bad input (JSON), or a body that is not JSON (text)", content((ErrorBody = "application/json"), (String = "text/plain"))),
        (status = 415, description = "the body is not sent as application/json", body = String, content_type = "text/plain"),
        (status = 422, description = "the body is not the documented JSON", body = String, content_type = "text/plain")))]
pub fn enroll() {}

/// An agent's heartbeat (agent credential); 401 without one.
#[utoipa::path(post, path = "/agents/heartbeat", tag = "agents", request_body = HeartbeatDoc,
    params(("x-kensa-agent-token" = Option<String>, Header, description = "The agent's credential")),
    security(()),
    responses((status = 204, description = "recorded"), (status = 401, body = ErrorBody),
        (status = 400, description = "bad input (JSON), or a body that is not JSON (text)", content((ErrorBody = "application/json"), (String = "text/plain"))),
        (status = 415, description = "the body is not sent as application/json", body = String, content_type = "text/plain"),
        (status = 422, description = "the body is not the documented JSON", body = String, content_type = "text/plain")))]
pub fn heartbeat() {}

/// Upload one gzipped telemetry document (agent credential), with its upload id and
/// sequence number in headers. 401 without a credential, 413 too large, 400 bad
/// headers or schema, 409 an upload id already stored or a sequence not above the last.
#[utoipa::path(post, path = "/agents/telemetry", tag = "agents",
    request_body(description = "The telemetry JSON document, gzip-compressed, sent with `Content-Encoding: gzip`",
        content = Vec<u8>, content_type = "application/octet-stream"),
    params(
        ("x-kensa-agent-token" = Option<String>, Header, description = "The agent's credential"),
        ("x-kensa-upload-id" = Option<String>, Header, description = "Unique id of this upload"),
        ("x-kensa-sequence" = Option<i64>, Header, description = "Increasing sequence number"),
    ),
    security(()),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub fn telemetry() {}

/// Upload one gzipped batch of the agent's runtime alerts (shell history deleted,
/// truncated or replaced), with an upload id and sequence number in headers. Stored
/// with the CloudTrail alerts (`GET /alerts`), the instance as the resource. 401
/// without a credential, 413 too large, 400 bad headers or schema, 409 when every
/// alert in it was already stored (a replay).
#[utoipa::path(post, path = "/agents/alerts", tag = "agents",
    request_body(description = "The alert batch JSON, gzip-compressed, sent with `Content-Encoding: gzip`",
        content = Vec<u8>, content_type = "application/octet-stream"),
    params(
        ("x-kensa-agent-token" = Option<String>, Header, description = "The agent's credential"),
        ("x-kensa-upload-id" = Option<String>, Header, description = "Unique id of this upload"),
        ("x-kensa-sequence" = Option<i64>, Header, description = "Increasing sequence number"),
    ),
    security(()),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub fn alerts() {}

/// The latest refused agent requests (operator), newest first.
#[utoipa::path(get, path = "/agents/rejections", tag = "agents",
    responses((status = 200, body = [Object]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub fn rejections() {}

/// The latest telemetry document an agent uploaded.
#[utoipa::path(get, path = "/agents/{id}/telemetry", tag = "agents", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub fn latest_telemetry() {}
