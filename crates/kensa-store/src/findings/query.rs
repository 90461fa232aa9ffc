//! `kensa findings list`: filters over stored findings, one page at a time.
use kensa_model::{FindingStatus, Severity};
use sqlx::Row;

use super::{finding_of_row, severity_rank, status_str, StoredFinding, FINDING_COLUMNS};
use crate::db::{Backend, Store};
use crate::error::{QueryContext, Result, StoreError};
use crate::model::TagPair;

/// Which findings to list. Empty lists mean "any"; several values of one filter match
/// any of them; different filters must all match; several tags must all be present.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only findings this run reported.
    pub run: Option<i64>,
    /// Only these severities.
    pub severities: Vec<Severity>,
    /// Only findings at or above this severity.
    pub min_severity: Option<Severity>,
    /// Only these packages (`network-reachability`, `config`, `cve`).
    pub packages: Vec<String>,
    /// Rule ids, `*`/`?` globs allowed.
    pub rules: Vec<String>,
    /// Resource id, `*`/`?` globs allowed.
    pub resource: Option<String>,
    /// Tags the resource carries, all of them.
    pub tags: Vec<TagPair>,
    /// Only these statuses (active, suppressed, resolved).
    pub statuses: Vec<FindingStatus>,
    /// `KEY=VALUE` over the finding's attributes and the template's user attributes.
    pub attributes: Vec<(String, String)>,
    /// At most this many (0: the default page of 100).
    pub limit: i64,
    /// Skip this many first (paging), in the listing's order.
    pub offset: i64,
}

/// A WHERE clause under construction with its bound values.
pub(super) struct Sql {
    backend: Backend,
    pub(super) clauses: Vec<String>,
    pub(super) values: Vec<Value>,
}

pub(super) enum Value {
    Text(String),
    Int(i64),
}

impl Sql {
    pub(super) fn param(&mut self, v: Value) -> String {
        self.values.push(v);
        format!("${}", self.values.len())
    }

    fn one_of_text(&mut self, column: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        let ps: Vec<String> = values
            .iter()
            .map(|v| self.param(Value::Text(v.clone())))
            .collect();
        self.clauses
            .push(format!("{column} IN ({})", ps.join(", ")));
    }

    /// `column` matches a glob (`*`, `?`), or equals it when it has none.
    fn glob(&mut self, column: &str, pattern: &str) -> String {
        if !pattern.contains(['*', '?']) {
            let p = self.param(Value::Text(pattern.to_string()));
            return format!("{column} = {p}");
        }
        match self.backend {
            Backend::Sqlite => {
                // GLOB's `[` would start a class; kensa's globs only know * and ?.
                let escaped = pattern.replace('[', "[[]");
                let p = self.param(Value::Text(escaped));
                format!("{column} GLOB {p}")
            }
            Backend::Postgres => {
                let mut like = String::new();
                for c in pattern.chars() {
                    match c {
                        '*' => like.push('%'),
                        '?' => like.push('_'),
                        '%' | '_' | '\\' => {
                            like.push('\\');
                            like.push(c);
                        }
                        c => like.push(c),
                    }
                }
                let p = self.param(Value::Text(like));
                format!("{column} LIKE {p} ESCAPE '\\'")
            }
        }
    }

    fn json_field(&mut self, column: &str, key: &str) -> String {
        match self.backend {
            Backend::Sqlite => {
                let path = format!("$.\"{}\"", key.replace('"', "\\\""));
                let p = self.param(Value::Text(path));
                format!("json_extract({column}, {p})")
            }
            Backend::Postgres => {
                let p = self.param(Value::Text(key.to_string()));
                format!("(({column})::jsonb ->> {p})")
            }
        }
    }
}

impl FindingFilter {
    pub(super) fn to_sql(&self, backend: Backend) -> Result<Sql> {
        let mut s = Sql {
            backend,
            clauses: Vec::new(),
            values: Vec::new(),
        };
        if let Some(run) = self.run {
            let p = s.param(Value::Int(run));
            s.clauses.push(format!(
                "EXISTS (SELECT 1 FROM run_findings rf WHERE rf.run_id = {p} AND rf.finding_id = f.id)"
            ));
        }
        if !self.severities.is_empty() {
            let ps: Vec<String> = self
                .severities
                .iter()
                .map(|v| s.param(Value::Int(severity_rank(*v))))
                .collect();
            s.clauses.push(format!("f.severity IN ({})", ps.join(", ")));
        }
        if let Some(min) = self.min_severity {
            let p = s.param(Value::Int(severity_rank(min)));
            s.clauses.push(format!("f.severity >= {p}"));
        }
        for p in &self.packages {
            crate::model::parse_package(p)?;
        }
        s.one_of_text("f.package", &self.packages);
        if !self.rules.is_empty() {
            let ors: Vec<String> = self.rules.iter().map(|r| s.glob("f.rule_id", r)).collect();
            s.clauses.push(format!("({})", ors.join(" OR ")));
        }
        if let Some(r) = &self.resource {
            let c = s.glob("f.resource_id", r);
            s.clauses.push(c);
        }
        for t in &self.tags {
            let (k, v) = (
                s.param(Value::Text(t.key.clone())),
                s.param(Value::Text(t.value.clone())),
            );
            s.clauses.push(format!(
                "EXISTS (SELECT 1 FROM finding_tags t WHERE t.finding_id = f.id AND t.tag_key = {k} AND t.tag_value = {v})"
            ));
        }
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|st| status_str(*st).to_string())
            .collect();
        s.one_of_text("f.status", &statuses);
        for (k, v) in &self.attributes {
            let a = s.json_field("f.attributes", k);
            let u = s.json_field("f.user_attributes", k);
            let p = s.param(Value::Text(v.clone()));
            s.clauses.push(format!("({a} = {p} OR {u} = {p})"));
        }
        if self.limit < 0 || self.offset < 0 {
            return Err(StoreError::invalid(
                "paging",
                "limit and offset must not be negative",
            ));
        }
        Ok(s)
    }
}

impl Store {
    /// One page of findings matching `filter`, worst first, then by id.
    pub async fn findings(&self, filter: &FindingFilter) -> Result<Vec<StoredFinding>> {
        let mut s = filter.to_sql(self.backend)?;
        let limit = s.param(Value::Int(if filter.limit == 0 {
            100
        } else {
            filter.limit
        }));
        let offset = s.param(Value::Int(filter.offset));
        let sql = format!(
            "SELECT {FINDING_COLUMNS} FROM findings f {} ORDER BY f.severity DESC, f.id LIMIT {limit} OFFSET {offset}",
            where_clause(&s.clauses)
        );
        bind(sqlx::query(&sql), s.values)
            .fetch_all(&self.pool)
            .await
            .ctx("listing findings")?
            .iter()
            .map(finding_of_row)
            .collect()
    }

    /// How many findings match `filter` (paging ignored).
    pub async fn count_findings(&self, filter: &FindingFilter) -> Result<i64> {
        let s = filter.to_sql(self.backend)?;
        let sql = format!(
            "SELECT COUNT(*) AS n FROM findings f {}",
            where_clause(&s.clauses)
        );
        bind(sqlx::query(&sql), s.values)
            .fetch_one(&self.pool)
            .await
            .ctx("counting findings")?
            .try_get("n")
            .ctx("counting findings")
    }

    /// How many findings match `filter`, counting no further than `cap` (paging
    /// ignored): a page can say "more than 10,000" without counting a million rows.
    /// Returns at most `cap`.
    pub async fn count_findings_capped(&self, filter: &FindingFilter, cap: i64) -> Result<i64> {
        let mut s = filter.to_sql(self.backend)?;
        let c = s.param(Value::Int(cap));
        let sql = format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM findings f {} LIMIT {c}) capped",
            where_clause(&s.clauses)
        );
        bind(sqlx::query(&sql), s.values)
            .fetch_one(&self.pool)
            .await
            .ctx("counting findings")?
            .try_get("n")
            .ctx("counting findings")
    }

    /// One finding with every run that saw it.
    pub async fn finding(&self, id: &str) -> Result<StoredFinding> {
        let row = sqlx::query(&format!(
            "SELECT {FINDING_COLUMNS} FROM findings f WHERE f.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a finding")?
        .ok_or_else(|| StoreError::NotFound {
            what: "finding",
            name: id.to_string(),
        })?;
        let mut f = finding_of_row(&row)?;
        f.runs =
            sqlx::query("SELECT run_id FROM run_findings WHERE finding_id = $1 ORDER BY run_id")
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .ctx("reading a finding's runs")?
                .iter()
                .map(|r| r.try_get("run_id"))
                .collect::<Result<_, _>>()
                .ctx("reading a finding's runs")?;
        Ok(f)
    }
}

pub(super) fn where_clause(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    }
}

pub(super) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

pub(super) fn bind(mut q: AnyQuery<'_>, values: Vec<Value>) -> AnyQuery<'_> {
    for v in values {
        q = match v {
            Value::Text(t) => q.bind(t),
            Value::Int(i) => q.bind(i),
        };
    }
    q
}
