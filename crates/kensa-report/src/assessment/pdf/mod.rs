//! The PDF assessment report, written in-process: the same sections as the HTML report,
//! laid out on A4 pages with the standard PDF fonts.
mod flow;
mod page;
mod write;

use kensa_model::{Finding, Severity};

use super::chart::{chart, severity_color};
use super::digest::{Digest, FindingGroup, ResourceSection};
use super::font::Face;
use super::input::AssessmentReport;
use super::netpath::diagram;
use super::scene::{Anchor, Rgb, Scene};
use super::text::{self, ReportType};
use flow::{Cell, Flow, Style, BODY, INK, MUTED, SMALL, WIDTH};

const MONO: Style = Style::new(Face::Mono, 7.5, INK);
const LABEL: Style = Style::new(Face::Bold, 8.5, MUTED);
const TD: Style = Style::new(Face::Regular, 8.0, INK);

pub(crate) fn render(report: &AssessmentReport, kind: ReportType) -> Vec<u8> {
    let digest = Digest::new(report);
    let title = text::document_title(report, kind);
    let mut flow = Flow::new();
    cover(&mut flow, report, kind);
    summary(&mut flow, report, &digest);
    overview(&mut flow, &digest);
    findings(&mut flow, report, &digest);
    instances(&mut flow, &digest);
    exclusions(&mut flow, report);
    if kind == ReportType::Full {
        passed(&mut flow, report);
    }
    write::finish(flow, &title)
}

fn badge(sev: Severity) -> Cell {
    Cell::badge(sev.as_str(), severity_color(sev))
}

fn cover(flow: &mut Flow, r: &AssessmentReport, kind: ReportType) {
    let kicker = format!("KENSA \u{b7} {} REPORT", kind.as_str().to_uppercase());
    flow.paragraph(&kicker, Style::new(Face::Bold, 8.5, Rgb(0x13, 0x46, 0x6f)));
    flow.space(2.0);
    let run = if r.run.name.is_empty() {
        &r.run.id
    } else {
        &r.run.name
    };
    flow.paragraph(run, Style::new(Face::Bold, 22.0, INK));
    let sub = format!(
        "Run {} of template {} on target {}",
        r.run.id, r.template.name, r.target.name
    );
    flow.paragraph(&sub, Style::new(Face::Regular, 10.0, MUTED));
    if !r.generated_at.is_empty() {
        flow.paragraph(&format!("Generated {}", r.generated_at), SMALL);
    }
}

fn summary(flow: &mut Flow, r: &AssessmentReport, d: &Digest<'_>) {
    flow.heading("Executive summary", 0);
    flow.scene(&cards(d), 0.0);
    flow.space(6.0);
    let facts: Vec<Vec<Cell>> = text::facts(r, d)
        .into_iter()
        .map(|(k, v)| vec![Cell::new(k, LABEL), Cell::new(v, TD)])
        .collect();
    flow.table(&["Fact", "Value"], &[0.25, 0.75], &facts);
    flow.space(4.0);
    flow.paragraph(
        "Active findings by severity and package",
        Style::new(Face::Bold, 9.5, INK),
    );
    flow.space(4.0);
    flow.scene(&chart(d, WIDTH), 0.0);
    flow.space(6.0);
    severity_table(flow, d);
    if !r.run.state_history.is_empty() {
        let rows: Vec<Vec<Cell>> = r
            .run
            .state_history
            .iter()
            .map(|c| {
                vec![
                    Cell::new(c.state.clone(), MONO),
                    Cell::new(c.at.clone(), TD),
                ]
            })
            .collect();
        flow.paragraph("Run history", Style::new(Face::Bold, 9.5, INK));
        flow.space(2.0);
        flow.table(&["State", "At"], &[0.4, 0.6], &rows);
    }
}

/// Total and per-severity counts as a row of cards.
fn cards(d: &Digest<'_>) -> Scene {
    let n = Severity::ALL.len() + 1;
    let gap = 8.0;
    let w = (WIDTH - gap * (n - 1) as f32) / n as f32;
    let mut s = Scene {
        width: WIDTH,
        height: 46.0,
        shapes: Vec::new(),
        title: "Finding counts".into(),
    };
    let items = std::iter::once(("Active", d.active, INK)).chain(
        Severity::ALL
            .iter()
            .map(|sev| (sev.as_str(), d.severity_total(*sev), severity_color(*sev))),
    );
    for (i, (label, count, color)) in items.enumerate() {
        let x = i as f32 * (w + gap);
        s.rect(x, 0.0, w, 44.0, Some(Rgb(255, 255, 255)), Some(flow::LINE));
        s.rect(x, 0.0, w, 3.5, Some(color), None);
        s.text(
            x + 8.0,
            25.0,
            &count.to_string(),
            17.0,
            Face::Bold,
            INK,
            Anchor::Start,
        );
        s.text(
            x + 8.0,
            37.0,
            label,
            7.5,
            Face::Regular,
            MUTED,
            Anchor::Start,
        );
    }
    s
}

fn severity_table(flow: &mut Flow, d: &Digest<'_>) {
    let mut header = vec!["Package"];
    header.extend(Severity::ALL.iter().map(|s| s.as_str()));
    header.push("Total");
    let num = |n: usize| {
        Cell::new(
            n.to_string(),
            if n == 0 {
                Style::new(Face::Regular, 8.0, flow::LINE)
            } else {
                TD
            },
        )
    };
    let mut rows: Vec<Vec<Cell>> = d
        .packages
        .iter()
        .map(|p| {
            let mut row = vec![Cell::new(p.as_str(), MONO)];
            row.extend(Severity::ALL.iter().map(|s| num(d.count(*p, *s))));
            row.push(Cell::new(
                d.package_total(*p).to_string(),
                Style::new(Face::Bold, 8.0, INK),
            ));
            row
        })
        .collect();
    let mut totals = vec![Cell::new("All packages", Style::new(Face::Bold, 8.0, INK))];
    totals.extend(Severity::ALL.iter().map(|s| {
        Cell::new(
            d.severity_total(*s).to_string(),
            Style::new(Face::Bold, 8.0, INK),
        )
    }));
    totals.push(Cell::new(
        d.active.to_string(),
        Style::new(Face::Bold, 8.0, INK),
    ));
    rows.push(totals);
    flow.table(&header, &[0.28, 0.12, 0.1, 0.11, 0.1, 0.16, 0.13], &rows);
}

fn overview(flow: &mut Flow, d: &Digest<'_>) {
    if d.groups.is_empty() {
        return;
    }
    flow.heading("Findings at a glance", 0);
    let rows: Vec<Vec<Cell>> = d
        .groups
        .iter()
        .map(|g| {
            vec![
                badge(g.severity),
                Cell::new(g.title, TD),
                Cell::new(g.package.as_str(), MONO),
                Cell::new(g.findings.len().to_string(), TD),
            ]
        })
        .collect();
    flow.table(
        &["Severity", "Finding", "Package", "Affected"],
        &[0.13, 0.57, 0.2, 0.1],
        &rows,
    );
}

fn findings(flow: &mut Flow, r: &AssessmentReport, d: &Digest<'_>) {
    flow.new_page();
    flow.heading("Findings", 0);
    if d.groups.is_empty() {
        flow.paragraph("The run reported no finding.", BODY);
    }
    for g in &d.groups {
        group(flow, r, g);
    }
}

const RESOURCE_COLUMNS: [&str; 4] = ["Resource", "Type, account / region", "Details", "Status"];
const RESOURCE_WIDTHS: [f32; 4] = [0.26, 0.22, 0.42, 0.1];

fn group(flow: &mut Flow, r: &AssessmentReport, g: &FindingGroup<'_>) {
    let rows: Vec<(Vec<Cell>, Option<Scene>)> =
        g.findings.iter().map(|f| resource_row(r, g, f)).collect();
    // The title, its text and the first affected resource stay on one page.
    let mut keep = 50.0 + flow.paragraph_height(g.recommendation, BODY);
    if let Some(desc) = g.shared_description {
        keep += flow.paragraph_height(desc, BODY);
    }
    if let Some(first) = rows.first() {
        keep += flow.table_start_height(&RESOURCE_WIDTHS, first);
    }
    flow.ensure(keep);
    flow.space(8.0);
    flow.bookmark(g.title, 1);
    flow.badged_title(g.severity.as_str(), severity_color(g.severity), g.title);
    let mut meta = format!(
        "Rule {} \u{b7} package {} \u{b7} {} affected",
        g.rule_id,
        g.package.as_str(),
        g.findings.len()
    );
    if let Some(c) = text::compliance_line(g) {
        meta.push_str(&format!(" \u{b7} {c}"));
    }
    flow.paragraph(&meta, SMALL);
    flow.space(3.0);
    if let Some(desc) = g.shared_description {
        flow.paragraph(desc, BODY);
        flow.space(3.0);
    }
    if !g.recommendation.is_empty() {
        flow.paragraph("Recommendation", Style::new(Face::Bold, 9.0, INK));
        flow.paragraph(g.recommendation, BODY);
        flow.space(3.0);
    }
    flow.table_with_drawings(&RESOURCE_COLUMNS, &RESOURCE_WIDTHS, &rows);
}

fn resource_row(
    r: &AssessmentReport,
    g: &FindingGroup<'_>,
    f: &Finding,
) -> (Vec<Cell>, Option<Scene>) {
    let mut what = f.resource.id.clone();
    if let Some(name) = f.resource.tags.get("Name") {
        what.push_str(&format!(" ({name})"));
    }
    let drawing = diagram(f, WIDTH - 12.0);
    let mut details = String::new();
    if g.shared_description.is_none() {
        details.push_str(&f.description);
        details.push('\n');
    }
    let attrs: Vec<String> = text::attributes(r, f, drawing.is_some())
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    details.push_str(&attrs.join("; "));
    let row = vec![
        Cell::new(what, MONO),
        Cell::new(
            format!(
                "{}\n{} / {}",
                f.resource.resource_type, f.resource.account, f.resource.region
            ),
            TD,
        ),
        Cell::new(details, Style::new(Face::Regular, 7.5, INK)),
        Cell::new(text::status(f.status), TD),
    ];
    (row, drawing)
}

fn instances(flow: &mut Flow, d: &Digest<'_>) {
    flow.new_page();
    flow.heading("Instances", 0);
    if d.instances.is_empty() {
        flow.paragraph("No instance was evaluated.", BODY);
    }
    for s in &d.instances {
        instance(flow, d, s);
    }
}

fn instance(flow: &mut Flow, d: &Digest<'_>, s: &ResourceSection<'_>) {
    flow.ensure(100.0);
    let heading = text::instance_heading(&s.instance);
    flow.bookmark(&heading, 1);
    flow.paragraph(&heading, Style::new(Face::Bold, 10.5, INK));
    flow.paragraph(&text::instance_facts(&s.instance), SMALL);
    flow.space(2.0);
    if s.findings.is_empty() {
        flow.paragraph(
            "No finding on this instance.",
            Style::new(Face::Regular, 9.0, Rgb(0x1a, 0x7f, 0x37)),
        );
        flow.space(8.0);
        return;
    }
    let rows: Vec<Vec<Cell>> = s
        .findings
        .iter()
        .map(|(gi, f)| {
            vec![
                badge(f.severity),
                Cell::new(f.title.clone(), TD),
                Cell::new(d.groups[*gi].package.as_str(), MONO),
                Cell::new(text::status(f.status), TD),
            ]
        })
        .collect();
    flow.table(
        &["Severity", "Finding", "Package", "Status"],
        &[0.13, 0.57, 0.2, 0.1],
        &rows,
    );
    flow.space(4.0);
}

fn exclusions(flow: &mut Flow, r: &AssessmentReport) {
    flow.heading("Exclusions", 0);
    if r.exclusions.is_empty() {
        flow.paragraph(
            "Nothing was excluded: every instance and package in the target was assessed.",
            BODY,
        );
    }
    for e in &r.exclusions {
        flow.ensure(60.0);
        flow.paragraph(&e.title, Style::new(Face::Bold, 10.0, INK));
        let scope: Vec<String> = e.scope.iter().map(|s| s.describe()).collect();
        let mut meta = e.exclusion_type.clone();
        if !scope.is_empty() {
            meta.push_str(&format!(" \u{b7} {}", scope.join(", ")));
        }
        flow.paragraph(&meta, SMALL);
        flow.paragraph(&e.description, BODY);
        flow.paragraph(&format!("Recommendation: {}", e.recommendation), BODY);
        flow.space(8.0);
    }
}

fn passed(flow: &mut Flow, r: &AssessmentReport) {
    flow.heading("Rules that passed everywhere", 0);
    if let Some(note) = r
        .passed_rules_note
        .as_deref()
        .filter(|_| r.passed_rules.is_empty())
    {
        flow.paragraph(note, BODY);
        return;
    }
    if r.passed_rules.is_empty() {
        flow.paragraph("No rule passed on every resource it evaluated.", BODY);
        return;
    }
    let rows: Vec<Vec<Cell>> = r
        .passed_rules
        .iter()
        .map(|p| {
            vec![
                Cell::new(p.id.clone(), MONO),
                Cell::new(p.title.clone(), TD),
                badge(p.severity),
                Cell::new(p.package.as_str(), MONO),
                Cell::new(p.resources_evaluated.to_string(), TD),
            ]
        })
        .collect();
    flow.table(
        &["Rule", "Title", "Severity", "Package", "Resources"],
        &[0.2, 0.45, 0.12, 0.13, 0.1],
        &rows,
    );
}
