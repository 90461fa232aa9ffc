//! Assessment reports, as Inspector Classic produced them for a run: an executive
//! summary (target, template, packages, accounts and regions, counts by severity and
//! package, a chart), every finding with all affected resources and, for reachability
//! findings, a drawing of the network path; per-instance sections; exclusions; and for
//! the `full` type the rules that passed everywhere.
//!
//! Two formats: one self-contained HTML file, and a PDF written in-process (standard
//! fonts, extractable text). The input is a plain [`AssessmentReport`]; [`scan`] builds
//! one from a snapshot for one-shot use.
mod chart;
mod digest;
mod font;
mod html;
mod input;
mod netpath;
mod pdf;
pub mod scan;
mod scene;
mod text;

use std::fmt;
use std::io::Write;
use std::str::FromStr;

pub use input::{
    AccountRegion, AssessmentReport, Exclusion, ExclusionScope, InstanceInfo, PassedRule, RunInfo,
    StateChange, TargetInfo, TemplateInfo,
};
pub use text::ReportType;

/// The formats an assessment report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained HTML file.
    Html,
    /// A PDF written in-process.
    Pdf,
}

impl ReportFormat {
    /// The name `-f` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Pdf => "pdf",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "html" => Ok(ReportFormat::Html),
            "pdf" => Ok(ReportFormat::Pdf),
            other => Err(format!(
                "unknown report format `{other}` (expected html or pdf)"
            )),
        }
    }
}

/// Writes `report` as a `kind` report in `format` to `out`.
pub fn render_assessment(
    report: &AssessmentReport,
    format: ReportFormat,
    kind: ReportType,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        ReportFormat::Html => html::render(report, kind, out),
        ReportFormat::Pdf => out.write_all(&pdf::render(report, kind)),
    }
}

/// The network path picture of `finding` as inline SVG (presentation attributes only,
/// no inline style, so it is safe under a strict CSP), at most `max_width` points wide
/// and `scale` CSS pixels to the point; `None` when the finding names no network path.
/// The same drawing the assessment reports carry (the dashboard shows it too).
pub fn network_path_svg(
    finding: &kensa_model::Finding,
    max_width: f32,
    scale: f32,
) -> Option<String> {
    netpath::diagram(finding, max_width).map(|scene| scene.svg(scale))
}

/// The picture of a traced path (a "can A reach B?" answer rather than a finding): a
/// source box (`source` label, `source_id` under it), then one box per hop, drawn like
/// a finding's path; inline SVG as [`network_path_svg`].
pub fn trace_path_svg(
    source: &str,
    source_id: &str,
    steps: &[kensa_model::finding::PathStep],
    caption: &str,
    max_width: f32,
    scale: f32,
) -> String {
    netpath::trace_diagram(source, source_id, steps, caption, max_width).svg(scale)
}
