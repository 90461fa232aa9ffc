use std::io::Write;

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
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for f in &report.findings {
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
        ])?;
    }
    w.flush()?;
    Ok(())
}
