use std::io::Write;

use serde::Serialize;

use crate::report::{Report, Summary};

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: &'a [kensa_model::Finding],
    warnings: &'a [kensa_model::Warning],
    summary: Summary,
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), serde_json::Error> {
    let doc = JsonReport {
        findings: &report.findings,
        warnings: &report.warnings,
        summary: report.summary(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out).map_err(serde_json::Error::io)
}
