use std::io::Write;

use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};
use kensa_model::{Finding, FindingStatus, Severity};

use crate::report::Report;
use crate::RenderOptions;

pub(crate) fn render(
    report: &Report,
    options: RenderOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if !report.findings.is_empty() {
        let table = findings_table(&report.findings, options.color);
        writeln!(out, "{table}")?;
    }
    writeln!(out, "{}", footer(report))
}

fn findings_table(findings: &[Finding], color: bool) -> Table {
    let mut table = Table::new();
    if color {
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.load_preset(presets::ASCII_MARKDOWN);
        table.force_no_tty();
    }
    table.set_header(["Severity", "Rule", "Resource", "Title", "Status"]);
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    // Worst first; ties keep the analyser's deterministic order.
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in sorted {
        let sev = Cell::new(f.severity.as_str());
        let sev = if color { style(sev, f.severity) } else { sev };
        table.add_row(vec![
            sev,
            Cell::new(&f.rule_id),
            Cell::new(&f.resource.id),
            Cell::new(&f.title),
            Cell::new(status_name(f.status)),
        ]);
    }
    table
}

fn style(cell: Cell, severity: Severity) -> Cell {
    match severity {
        Severity::Critical => cell.fg(Color::Magenta).add_attribute(Attribute::Bold),
        Severity::High => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell.fg(Color::Blue),
        Severity::Informational => cell.add_attribute(Attribute::Dim),
    }
}

fn status_name(status: FindingStatus) -> &'static str {
    match status {
        FindingStatus::Active => "active",
        FindingStatus::Resolved => "resolved",
        FindingStatus::Suppressed => "suppressed",
    }
}

fn footer(report: &Report) -> String {
    let summary = report.summary();
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let n = summary.by_severity.get(s.as_str()).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    let active = summary.findings - summary.suppressed;
    let mut line = format!("{active} active finding{}", plural(active));
    if !counts.is_empty() {
        line.push_str(&format!(" ({})", counts.join(", ")));
    }
    if summary.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", summary.suppressed));
    }
    if summary.warnings > 0 {
        line.push_str(&format!(
            "; {} input warning{}",
            summary.warnings,
            plural(summary.warnings)
        ));
    }
    if let Some(c) = &summary.completeness {
        line.push_str(&format!("; {c}"));
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
