//! Findings: the filtered, paged list (the same filters as the API) and one finding's
//! page with its description, recommendation, attributes, network path picture (the
//! assessment report's drawing) and raw JSON.
use axum::extract::{Path, Query, State};
use kensa_model::Severity;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::layout::{page, severity, status, time, Nav};
use super::page::{encode, link, ok, PageError, PageResult, SignedIn, Viewer};
use super::PAGE_SIZE;
use crate::api::cursor;
use crate::api::findings::FindingQuery;
use crate::state::AppState;

/// The path picture: points wide before it wraps onto another row, pixels per point
/// (large enough to read the ids at the page's width).
const PATH_WIDTH: f32 = 730.0;
const PATH_SCALE: f32 = 1.3;

/// The filter form's fields, as typed (empty means "any").
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    severity: String,
    #[serde(default)]
    package: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    resource: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    attribute: String,
    #[serde(default)]
    run: String,
    /// Start after this finding (the API's `next_cursor` form).
    #[serde(default)]
    cursor: String,
    /// End just before this finding (a cursor of the same form): the previous page.
    #[serde(default)]
    before: String,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl Filters {
    fn query(&self) -> Result<FindingQuery, crate::error::ApiError> {
        let number = |field: &str, s: &str| {
            some(s)
                .map(|v| {
                    v.parse::<i64>().map_err(|_| {
                        crate::error::ApiError::bad_request(format!("{field} `{v}`: not a number"))
                    })
                })
                .transpose()
        };
        Ok(FindingQuery {
            run: number("run", &self.run)?,
            severity: some(&self.severity),
            package: some(&self.package),
            rule: some(&self.rule),
            resource: some(&self.resource),
            tag: some(&self.tag),
            status: some(&self.status),
            attribute: some(&self.attribute),
            limit: Some(PAGE_SIZE),
            offset: None,
            cursor: None,
            exact_total: None,
        })
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("severity", self.severity.clone()),
            ("package", self.package.clone()),
            ("rule", self.rule.clone()),
            ("resource", self.resource.clone()),
            ("tag", self.tag.clone()),
            ("status", self.status.clone()),
            ("attribute", self.attribute.clone()),
            ("run", self.run.clone()),
        ]
    }

    /// This list with the same filters, from `at` (`cursor` or `before`, a cursor), or
    /// from the start.
    fn page_link(&self, at: Option<(&'static str, String)>) -> String {
        let mut pairs = self.pairs();
        pairs.extend(at);
        link("/findings", &pairs)
    }
}

/// A select whose options are `choices`; the current value stays selectable even when
/// it is not one of them (a comma list from a link).
pub(super) fn select(name: &str, label: &str, current: &str, choices: &[String]) -> Markup {
    let known = current.is_empty() || choices.iter().any(|c| c == current);
    html! {
        label { (label)
            select name=(name) {
                option value="" { "any" }
                @if !known { option value=(current) selected { (current) } }
                @for c in choices { option value=(c) selected[c == current] { (c) } }
            }
        }
    }
}

pub(super) fn text(name: &str, label: &str, current: &str, hint: &str) -> Markup {
    html! { label { (label) input type="text" name=(name) value=(current) placeholder=(hint); } }
}

fn filter_form(f: &Filters) -> Markup {
    let severities: Vec<String> = Severity::ALL
        .iter()
        .map(|s| s.as_str().to_ascii_lowercase())
        .collect();
    let packages: Vec<String> = kensa_store::TEMPLATE_PACKAGES
        .iter()
        .map(|p| p.as_str().to_string())
        .collect();
    let statuses: Vec<String> = ["active", "resolved", "suppressed"]
        .map(String::from)
        .into();
    html! {
        form.filters method="get" action="/findings" {
            (select("severity", "Severity", &f.severity, &severities))
            (select("package", "Package", &f.package, &packages))
            (select("status", "Status", &f.status, &statuses))
            (text("rule", "Rule", &f.rule, "rule id, comma list"))
            (text("resource", "Resource", &f.resource, "i-0abc* (glob)"))
            (text("tag", "Tag", &f.tag, "Env=prod"))
            (text("attribute", "Attribute", &f.attribute, "PORT=22"))
            (text("run", "Run", &f.run, "run id"))
            div.buttons {
                button type="submit" { "Filter" }
                a href="/findings" { "clear" }
            }
        }
    }
}

/// One page of the list and whether pages lie before and after it.
struct Page {
    findings: Vec<kensa_store::StoredFinding>,
    earlier: bool,
    later: bool,
}

/// Counting stops here: the page says "more than 10,000" rather than count a million
/// rows on every request.
const COUNT_CAP: i64 = 10_000;

/// A page by keyset cursor (every page costs what the first costs, however deep): after
/// `cursor`, or the page before `before`. One more than a page is read to know whether
/// another follows, without counting.
async fn page_of(state: &AppState, f: &Filters) -> Result<Page, PageError> {
    let mut filter = f.query()?.to_filter()?;
    filter.limit = PAGE_SIZE + 1;
    let size = PAGE_SIZE as usize;
    if let Some(before) = some(&f.before) {
        let at = cursor::decode(&before)?;
        let mut findings = state.store.findings_before(&filter, &at).await?;
        let earlier = findings.len() > size;
        if earlier {
            findings.remove(0);
        }
        return Ok(Page {
            findings,
            earlier,
            later: true,
        });
    }
    let after = some(&f.cursor).map(|c| cursor::decode(&c)).transpose()?;
    let mut findings = state.store.findings_after(&filter, after.as_ref()).await?;
    let later = findings.len() > size;
    findings.truncate(size);
    Ok(Page {
        findings,
        earlier: after.is_some(),
        later,
    })
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Query(f): Query<Filters>,
) -> PageResult {
    let filter = f.query()?.to_filter()?;
    let Page {
        findings,
        earlier,
        later,
    } = page_of(&state, &f).await?;
    let matching = state
        .store
        .count_findings_capped(&filter, COUNT_CAP + 1)
        .await?;
    let body = html! {
        h1 { "Findings" }
        (filter_form(&f))
        p.muted {
            @if matching > COUNT_CAP { "More than " (COUNT_CAP) " matching" } @else { (matching) " matching" }
            @if !findings.is_empty() { ", worst first, " (findings.len()) " on this page" }
        }
        @if findings.is_empty() && (earlier || later) {
            p { "Nothing on this page (the findings changed since it was linked). " a href=(f.page_link(None)) { "Back to the first page" } }
        }
        @if !findings.is_empty() {
            table.data.findings {
                thead { tr { th { "Severity" } th { "Finding" } th { "Resource" } th { "Package" } th { "Status" } th { "Last seen" } } }
                tbody { @for sf in &findings {
                    @let x = &sf.finding;
                    tr {
                        td { (severity(x.severity)) }
                        td { a href={ "/findings/" (encode(&x.id)) } { (x.title) } div.muted.small { code { (x.rule_id) } } }
                        td { code.wrap { (x.resource.id) } div.muted.small { (x.resource.account) " " (x.resource.region) } }
                        td { (x.package.as_str()) }
                        td { (status(x.status)) }
                        td { @if let Some(at) = &x.last_seen { (time(at)) } }
                    }
                } }
            }
        }
        nav.pager {
            @if earlier {
                a href=(f.page_link(None)) { "« first" }
                @if let Some(first) = findings.first() {
                    a rel="prev" href=(f.page_link(Some(("before", cursor::after(first))))) { "← previous" }
                }
            }
            @if later {
                @if let Some(last) = findings.last() {
                    a rel="next" href=(f.page_link(Some(("cursor", cursor::after(last))))) { "next →" }
                }
            }
        }
    };
    ok(page("Findings", &caller, Nav::Findings, None, body))
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(caller): Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let sf = state.store.finding(&id).await?;
    let f = &sf.finding;
    let picture = kensa_report::assessment::network_path_svg(f, PATH_WIDTH, PATH_SCALE);
    let raw = serde_json::to_string_pretty(&sf).unwrap_or_default();
    let body = html! {
        p.crumbs { a href="/findings" { "Findings" } " / " code { (f.rule_id) } }
        h1 { (f.title) }
        p.lede { (severity(f.severity)) " " (status(f.status)) " "
            span.muted { (f.package.as_str()) " · " (f.resource.resource_type) " " } code { (f.resource.id) }
            @if let Some(reason) = &sf.status_reason { " " span.muted { "(" (reason) ")" } } }
        @if let Some(svg) = picture {
            section.card.path {
                h2 { "Network path" }
                div.drawing-wrap { (PreEscaped(svg)) }
            }
        }
        div.columns {
            section.card {
                h2 { "Description" }
                p.prose { (f.description) }
                h2 { "Recommendation" }
                p.prose { (f.recommendation) }
                @if !f.compliance.is_empty() {
                    h2 { "Compliance" }
                    ul { @for c in &f.compliance { li { (c.framework) " " code { (c.control) } } } }
                }
                @if !f.references.is_empty() {
                    h2 { "References" }
                    ul { @for r in &f.references { li { code.wrap { (r) } } } }
                }
            }
            section.card {
                h2 { "Resource" }
                table.kv {
                    tr { th { "Id" } td { code.wrap { (f.resource.id) } } }
                    @if let Some(arn) = &f.resource.arn { tr { th { "ARN" } td { code.wrap { (arn) } } } }
                    tr { th { "Account" } td { (f.resource.account) } }
                    tr { th { "Region" } td { (f.resource.region) } }
                    @for (k, v) in &f.resource.tags { tr { th { "tag " (k) } td { (v) } } }
                }
                h2 { "Seen" }
                table.kv {
                    @if let Some(at) = &f.first_seen { tr { th { "First" } td { (time(at)) " (run " a href={ "/runs/" (sf.first_run) } { "#" (sf.first_run) } ")" } } }
                    @if let Some(at) = &f.last_seen { tr { th { "Last" } td { (time(at)) " (run " a href={ "/runs/" (sf.last_run) } { "#" (sf.last_run) } ")" } } }
                    @if let Some(at) = &sf.resolved_at { tr { th { "Resolved" } td { (time(at)) } } }
                    @if !sf.runs.is_empty() { tr { th { "Runs" } td { @for r in &sf.runs { a href={ "/runs/" (r) } { "#" (r) } " " } } } }
                }
            }
        }
        section.card {
            h2 { "Attributes" }
            table.kv.attrs {
                @for (k, v) in &f.attributes {
                    tr { th { code { (k) } } td { a href=(link("/findings", &[("attribute", format!("{k}={v}"))])) { code.wrap { (v) } } } }
                }
                @for (k, v) in &sf.user_attributes {
                    tr { th { code { (k) } " " span.muted { "(template)" } } td { code.wrap { (v) } } }
                }
            }
        }
        details.card {
            summary { "Raw JSON" }
            pre.json { (raw) }
        }
    };
    ok(page(&f.title, &caller, Nav::Findings, None, body))
}
