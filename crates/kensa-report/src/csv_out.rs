use std::io::Write;

use kensa_model::Finding;

use crate::report::Report;

const HEADER: [&str; 13] = [
    "id",
    "severity",
    "package",
    "rule_id",
    "title",
    "resource_type",
    "resource_id",
    "resource_arn",
    "account",
    "region",
    "status",
    "description",
    "recommendation",
];

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), csv::Error> {
    let mut w = writer(out)?;
    for f in &report.findings {
        write_row(&mut w, f)?;
    }
    w.flush()?;
    Ok(())
}

/// A CSV writer with the header written.
pub(crate) fn writer(out: &mut dyn Write) -> Result<csv::Writer<&mut dyn Write>, csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    Ok(w)
}

/// One finding's row.
pub(crate) fn write_row(
    w: &mut csv::Writer<&mut dyn Write>,
    f: &Finding,
) -> Result<(), csv::Error> {
    let status = serde_json::to_value(f.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    w.write_record([
        f.id.as_str(),
        f.severity.as_str(),
        f.package.as_str(),
        &f.rule_id,
        &f.title,
        &f.resource.resource_type,
        &f.resource.id,
        f.resource.arn.as_deref().unwrap_or(""),
        &f.resource.account,
        &f.resource.region,
        &status,
        &f.description,
        &f.recommendation,
    ])
}
