//! Renderers for kensa findings.
//!
//! Every analyser produces [`kensa_model::Finding`]s; this crate turns a [`Report`] of them
//! into the formats people and tools read: a terminal table, JSON, SARIF 2.1.0, CSV, ASFF
//! (Security Hub), OCSF 1.1 (Detection and Compliance Findings) and a self-contained HTML
//! page; compliance reports render as table, JSON, CSV and HTML ([`render_compliance`]).
//! Renderers are pure: they write to any [`std::io::Write`] and never look at the clock.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod asff;
/// Assessment reports of a run (HTML, PDF).
pub mod assessment;
mod compliance;
mod csv_out;
mod format;
mod html;
mod json;
mod ocsf;
mod render_stream;
mod report;
mod sarif;
/// Streamed outputs (text, JSON lines, webhook) for alerts and findings.
pub mod stream;
mod table;
mod time;

pub use compliance::render_compliance;
pub use format::{Format, UnknownFormat};

/// Field lists and single-finding converters, for tests and other crates.
pub mod formats {
    pub use crate::asff::{finding as asff_finding, REQUIRED as ASFF_REQUIRED};
    pub use crate::ocsf::{
        event as ocsf_event, COMPLIANCE_FINDING, DETECTION_FINDING, REQUIRED as OCSF_REQUIRED,
    };
}
pub use render_stream::render_stream;
pub use report::{Report, Summary};

use std::io::Write;

/// How to render: colour only makes sense for a terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Colour the table (a terminal that wants colour).
    pub color: bool,
}

/// Errors while writing a report.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The writer failed.
    #[error("writing the report failed: {0}")]
    Io(#[from] std::io::Error),
    /// JSON encoding failed.
    #[error("encoding the report failed: {0}")]
    Json(#[from] serde_json::Error),
    /// CSV encoding failed.
    #[error("writing CSV failed: {0}")]
    Csv(#[from] csv::Error),
    /// The report kind has no output in this format.
    #[error("{0} output is not available for this report")]
    Unsupported(Format),
}

/// Renders `report` in `format` to `out`.
pub fn render(
    format: Format,
    report: &Report,
    options: RenderOptions,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    match format {
        Format::Table => table::render(report, options, out)?,
        Format::Json => json::render(report, out)?,
        Format::Sarif => sarif::render(report, out)?,
        Format::Csv => csv_out::render(report, out)?,
        Format::Asff => asff::render(report, out)?,
        Format::Ocsf => ocsf::render(report, out)?,
        Format::Html => html::render(report, out)?,
    }
    Ok(())
}

#[cfg(test)]
mod format_tests;
#[cfg(test)]
mod tests;
