//! Renderers for compliance reports (per control PASSED / FAILED / NOT_APPLICABLE):
//! table, JSON, CSV and HTML.
use std::io::Write;

use comfy_table::{presets, Cell, Color, Table};
use kensa_model::{ComplianceReport, ControlStatus};

use crate::{html, Format, RenderError, RenderOptions};

/// Renders a compliance report in `format` (table, json, csv or html).
pub fn render_compliance(
    format: Format,
    report: &ComplianceReport,
    options: RenderOptions,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    match format {
        Format::Table => table(report, options, out)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)?;
        }
        Format::Csv => csv(report, out)?,
        Format::Html => html::render_compliance(report, out)?,
        other @ (Format::Sarif | Format::Asff | Format::Ocsf) => {
            return Err(RenderError::Unsupported(other))
        }
    }
    Ok(())
}

fn table(r: &ComplianceReport, options: RenderOptions, out: &mut dyn Write) -> std::io::Result<()> {
    let mut t = Table::new();
    if options.color {
        t.load_preset(presets::UTF8_FULL_CONDENSED);
    } else {
        t.load_preset(presets::ASCII_MARKDOWN);
        t.force_no_tty();
    }
    t.set_header([
        "Control",
        "Status",
        "Severity",
        "Passed",
        "Failed",
        "Suppressed",
        "N/A",
        "Title",
    ]);
    for c in &r.controls {
        let status = Cell::new(c.status.as_str());
        let status = match (options.color, c.status) {
            (false, _) => status,
            (true, ControlStatus::Passed) => status.fg(Color::Green),
            (true, ControlStatus::Failed) => status.fg(Color::Red),
            (true, ControlStatus::NotApplicable) => status,
            (true, ControlStatus::NotEvaluated) => status.fg(Color::Yellow),
        };
        t.add_row(vec![
            Cell::new(&c.control),
            status,
            Cell::new(c.severity.as_str()),
            Cell::new(c.passed),
            Cell::new(c.failed),
            Cell::new(c.suppressed),
            Cell::new(c.not_applicable),
            Cell::new(&c.title),
        ]);
    }
    writeln!(out, "{} ({})", r.framework_title, r.framework)?;
    writeln!(out, "{t}")?;
    let s = &r.summary;
    for c in &r.controls {
        if let Some(reason) = &c.reason {
            writeln!(out, "{} NOT_EVALUATED: {reason}", c.control)?;
        }
    }
    let mut line = format!(
        "{} controls: {} passed, {} failed, {} not applicable",
        r.controls.len(),
        s.passed,
        s.failed,
        s.not_applicable,
    );
    if s.not_evaluated > 0 {
        line.push_str(&format!(", {} not evaluated", s.not_evaluated));
    }
    line.push_str(&format!("; {} findings suppressed", s.suppressed_findings));
    if let Some(c) = &s.completeness {
        line.push_str(&format!("; {c}"));
    }
    writeln!(out, "{line}")
}

fn csv(r: &ComplianceReport, out: &mut dyn Write) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "framework",
        "control",
        "rule_id",
        "status",
        "severity",
        "passed",
        "failed",
        "suppressed",
        "not_applicable",
        "title",
        "failed_resources",
    ])?;
    for c in &r.controls {
        w.write_record([
            r.framework.as_str(),
            &c.control,
            &c.rule_id,
            c.status.as_str(),
            c.severity.as_str(),
            &c.passed.to_string(),
            &c.failed.to_string(),
            &c.suppressed.to_string(),
            &c.not_applicable.to_string(),
            &c.title,
            &c.failed_resources.join(" "),
        ])?;
    }
    w.flush()?;
    Ok(())
}
