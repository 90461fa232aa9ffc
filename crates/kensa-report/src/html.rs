//! Self-contained HTML pages (inline CSS, no scripts, no external resources): a findings
//! report and a compliance report, printable and mailable as one file.
use std::fmt::Write as _;
use std::io::Write;

use kensa_model::{ComplianceReport, Finding, FindingStatus, Severity};

use crate::report::Report;

const CSS: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#1b1f24;padding:0 1em}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #d0d7de}\
.meta{color:#57606a}table{border-collapse:collapse;width:100%;margin:.8em 0}\
th,td{border:1px solid #d0d7de;padding:.35em .55em;text-align:left;vertical-align:top}th{background:#f6f8fa}\
.num{text-align:right}.pill{display:inline-block;border-radius:1em;padding:0 .6em;font-weight:600;font-size:.85em}\
.Critical{background:#6e2b8f;color:#fff}.High{background:#cf222e;color:#fff}.Medium{background:#d4a72c}.Low{background:#54aeff}.Informational{background:#d0d7de}\
.PASSED{background:#2da44e;color:#fff}.FAILED{background:#cf222e;color:#fff}.NOT_APPLICABLE{background:#d0d7de}.suppressed{color:#57606a;font-style:italic}\
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:6px;padding:.6em 1em;min-width:9em}.card b{font-size:1.6em;display:block}\
details{margin:.3em 0}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}\
@media print{details{display:block}details>*{display:block}}";

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n",
        esc(title)
    )
}

fn pill(class: &str, text: &str) -> String {
    format!("<span class=\"pill {class}\">{}</span>", esc(text))
}

/// The findings report.
pub(crate) fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = report.summary();
    let mut b = String::new();
    let _ = write!(b, "<h1>kensa findings</h1><p class=\"meta\">{} findings, {} suppressed, {} input warnings</p><div class=\"cards\">", s.findings, s.suppressed, s.warnings);
    for sev in Severity::ALL {
        let n = s.by_severity.get(sev.as_str()).copied().unwrap_or(0);
        let _ = write!(
            b,
            "<div class=\"card\"><b>{n}</b>{}</div>",
            pill(sev.as_str(), sev.as_str())
        );
    }
    b.push_str("</div><h2>Findings</h2><table><tr><th>Severity</th><th>Rule</th><th>Resource</th><th>Finding</th><th>Status</th></tr>");
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in findings {
        finding_row(&mut b, f);
    }
    b.push_str("</table>");
    if !report.warnings.is_empty() {
        b.push_str("<h2>Input warnings</h2><ul>");
        for w in &report.warnings {
            let _ = write!(b, "<li><code>{}</code></li>", esc(&w.to_string()));
        }
        b.push_str("</ul>");
    }
    out.write_all(page("kensa findings", &b).as_bytes())
}

fn finding_row(b: &mut String, f: &Finding) {
    let class = if f.status == FindingStatus::Suppressed {
        " class=\"suppressed\""
    } else {
        ""
    };
    let status = match f.status {
        FindingStatus::Active => "active",
        FindingStatus::Suppressed => "suppressed",
        FindingStatus::Resolved => "resolved",
    };
    let attrs: String = f
        .attributes
        .iter()
        .map(|(k, v)| format!("<code>{}</code>={} ", esc(k), esc(v)))
        .collect();
    let _ = write!(
        b,
        "<tr{class}><td>{}</td><td><code>{}</code></td><td><code>{}</code><br>{}</td>\
<td><b>{}</b><details><summary>details</summary><p>{}</p><p><b>Recommendation:</b> {}</p><p>{}</p></details></td><td>{status}</td></tr>",
        pill(f.severity.as_str(), f.severity.as_str()),
        esc(&f.rule_id),
        esc(&f.resource.id),
        esc(&f.resource.resource_type),
        esc(&f.title),
        esc(&f.description),
        esc(&f.recommendation),
        attrs
    );
}

/// The compliance report an auditor reads: summary, then every control with its counts
/// and failing resources.
pub(crate) fn render_compliance(r: &ComplianceReport, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &r.summary;
    let total = s.passed + s.failed;
    let score = (s.passed * 100).checked_div(total).unwrap_or(100);
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1><p class=\"meta\">Framework <code>{}</code> · source <code>{}</code>{} · generated by kensa</p>\
<div class=\"cards\"><div class=\"card\"><b>{score}%</b>controls passed</div>\
<div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>{}</div>\
<div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>findings suppressed</div></div>",
        esc(&r.framework_title),
        esc(&r.framework),
        esc(&r.source),
        if r.date.is_empty() { String::new() } else { format!(" · {}", esc(&r.date)) },
        s.passed,
        pill("PASSED", "PASSED"),
        s.failed,
        pill("FAILED", "FAILED"),
        s.not_applicable,
        pill("NOT_APPLICABLE", "NOT APPLICABLE"),
        s.suppressed_findings
    );
    b.push_str("<h2>Controls</h2><table><tr><th>Control</th><th>Title</th><th>Severity</th><th>Status</th>\
<th class=\"num\">Passed</th><th class=\"num\">Failed</th><th class=\"num\">Suppressed</th><th class=\"num\">N/A</th><th>Failing resources</th></tr>");
    for c in &r.controls {
        let failing = c
            .failed_resources
            .iter()
            .map(|id| format!("<code>{}</code>", esc(id)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(
            b,
            "<tr><td><b>{}</b><br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td>\
<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{failing}</td></tr>",
            esc(&c.control),
            esc(&c.rule_id),
            esc(&c.title),
            pill(c.severity.as_str(), c.severity.as_str()),
            pill(c.status.as_str(), &c.status.as_str().replace('_', " ")),
            c.passed,
            c.failed,
            c.suppressed,
            c.not_applicable
        );
    }
    b.push_str("</table><p class=\"meta\">PASSED: every evaluated resource complies (muted findings count as accepted). \
FAILED: at least one resource does not. NOT APPLICABLE: the snapshot holds no resource the control evaluates. \
NOT EVALUATED: the control's input is missing from the snapshot or could not be read.</p>");
    let with_failures: Vec<_> = r
        .controls
        .iter()
        .filter(|c| !c.failures.is_empty())
        .collect();
    if !with_failures.is_empty() {
        b.push_str("<h2>Non-compliant resources</h2>");
    }
    for c in with_failures {
        let _ = write!(
            b,
            "<h3>{} {}</h3><table><tr><th>Resource</th><th>Severity</th><th>Why</th></tr>",
            esc(&c.control),
            esc(&c.title)
        );
        for f in &c.failures {
            let class = if f.suppressed {
                " class=\"suppressed\""
            } else {
                ""
            };
            let muted = if f.suppressed { " (suppressed)" } else { "" };
            let _ = write!(
                b,
                "<tr{class}><td><code>{}</code><br>{}</td><td>{}</td><td>{}{muted}</td></tr>",
                esc(&f.resource_id),
                esc(&f.resource_type),
                pill(f.severity.as_str(), f.severity.as_str()),
                esc(&f.reason)
            );
        }
        b.push_str("</table>");
    }
    out.write_all(page(&format!("{} — compliance report", r.framework_title), &b).as_bytes())
}
