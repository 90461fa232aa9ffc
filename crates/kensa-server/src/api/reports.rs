//! A run's assessment report (HTML, PDF or its JSON document, as `kensa report --run`
//! writes them) and its compliance with a framework.
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kensa_model::ComplianceReport;
use kensa_report::assessment::{render_assessment, ReportFormat, ReportType};
use kensa_store::FindingFilter;
use serde::Deserialize;

use super::json::{Path, Query};
use super::run_snapshot::{blocking, snapshot_of};
use crate::auth::AsViewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A report lists every finding of the run; beyond this many the server refuses (a
/// document that size helps nobody in a browser) and `kensa report --run` writes it.
pub const MAX_REPORT_FINDINGS: i64 = 50_000;

#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One self-contained HTML file (inline CSS and SVG).
    #[default]
    Html,
    /// A PDF with extractable text.
    Pdf,
    /// The report's data (what `kensa report --input` renders).
    Json,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Summary, every finding with its resources, instances, exclusions.
    #[default]
    Findings,
    /// The same plus the rules that passed everywhere (a stored run says why it cannot
    /// list them).
    Full,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    /// html (default), pdf or json.
    pub format: Option<Format>,
    /// findings (default) or full.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<Kind>,
}

/// Run `id`'s assessment report, as a download (`Content-Disposition: attachment`).
#[utoipa::path(get, path = "/runs/{id}/report", tag = "runs", params(("id" = i64, Path), ReportQuery),
    responses(
        (status = 200, description = "The report", content(
            (String = "text/html"), (Vec<u8> = "application/pdf"), (Object = "application/json"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn report(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let (format, kind) = (q.format.unwrap_or_default(), q.kind.unwrap_or_default());
    let run = s.store.run(id).await?;
    let count = s
        .store
        .count_findings(&FindingFilter {
            run: Some(id),
            ..FindingFilter::default()
        })
        .await?;
    if count > MAX_REPORT_FINDINGS {
        return Err(ApiError::conflict(format!(
            "run {id} has {count} findings; the server renders reports of at most {MAX_REPORT_FINDINGS}: write this one with `kensa report --run {id}`"
        )));
    }
    // Without its snapshot the report lists the instances its findings name.
    let snapshot = snapshot_of(&s, &run).await.ok();
    let doc = kensa_assess::report::from_run(&s.store, &run, snapshot.as_ref(), now())
        .await
        .map_err(|e| {
            let status = match e.store_error() {
                kensa_store::StoreError::NotFound { .. } => axum::http::StatusCode::CONFLICT,
                _ => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            };
            let kind = if status.is_server_error() {
                "internal"
            } else {
                "conflict"
            };
            ApiError::new(status, kind, format!("{e}: {}", e.store_error()))
        })?;
    let body = blocking(move || -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let kind = match kind {
            Kind::Findings => ReportType::Findings,
            Kind::Full => ReportType::Full,
        };
        match format {
            Format::Html => render_assessment(&doc, ReportFormat::Html, kind, &mut out)?,
            Format::Pdf => render_assessment(&doc, ReportFormat::Pdf, kind, &mut out)?,
            Format::Json => serde_json::to_writer_pretty(&mut out, &doc)?,
        }
        Ok(out)
    })
    .await?
    .map_err(|e| ApiError::internal(format!("rendering run {id}'s report: {e}")))?;
    let (content_type, ext) = match format {
        Format::Html => ("text/html; charset=utf-8", "html"),
        Format::Pdf => ("application/pdf", "pdf"),
        Format::Json => ("application/json", "json"),
    };
    let kind_word = match kind {
        Kind::Findings => "findings",
        Kind::Full => "full",
    };
    let disposition = format!("attachment; filename=\"kensa-run-{id}-{kind_word}.{ext}\"");
    Ok((
        [
            (CONTENT_TYPE, content_type.to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ComplianceQuery {
    /// A built-in framework: fsbp, cis-aws-3.0, aws-config (default: the run's
    /// template's framework, else fsbp).
    pub framework: Option<String>,
}

/// Run `id`'s snapshot evaluated against a framework: per control PASSED, FAILED,
/// NOT_APPLICABLE or NOT_EVALUATED (input missing or partial), with a summary.
#[utoipa::path(get, path = "/runs/{id}/compliance", tag = "runs", params(("id" = i64, Path), ComplianceQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn compliance(
    State(s): State<AppState>,
    _caller: AsViewer,
    Path(id): Path<i64>,
    Query(q): Query<ComplianceQuery>,
) -> Result<Json<ComplianceReport>, ApiError> {
    let run = s.store.run(id).await?;
    let name = match q.framework.as_deref().map(str::trim) {
        Some(f) if !f.is_empty() => f.to_string(),
        _ => s
            .store
            .template(&run.template)
            .await
            .ok()
            .and_then(|t| t.framework)
            .unwrap_or_else(|| "fsbp".to_string()),
    };
    // Only built-in frameworks: a name must never make the server read a file.
    let framework = kensa_rules::framework::builtin(&name).ok_or_else(|| {
        let known: Vec<&str> = kensa_rules::frameworks()
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        ApiError::bad_request(format!(
            "framework `{name}`: not a built-in framework (expected one of {})",
            known.join(", ")
        ))
    })?;
    let snap = snapshot_of(&s, &run).await?;
    let source = match &run.snapshot {
        Some(info) => info.location.clone().unwrap_or_else(|| info.source.clone()),
        None => "unknown".to_string(),
    };
    let date = run
        .completed_at
        .as_deref()
        .unwrap_or(&run.created_at)
        .get(..10)
        .unwrap_or_default()
        .to_string();
    let report =
        blocking(move || kensa_assess::compliance::evaluate(&snap, &framework, &source, &date))
            .await?;
    Ok(Json(report))
}

/// Now, to the second (`2026-12-07T11:30:46Z`), as the CLI stamps reports.
fn now() -> String {
    let now = kensa_store::clock::now();
    match now.split_once('.') {
        Some((secs, _)) => format!("{secs}Z"),
        None => now,
    }
}
