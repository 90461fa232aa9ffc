//! The rules a run evaluated that every in-scope resource passed: what a `full` report
//! lists under "rules that passed everywhere". Findings only say what failed, so the run
//! records these as it evaluates.
use kensa_model::{Package, Severity};
use sqlx::Row;

use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::model::parse_package;

/// A rule that was evaluated and that no in-scope resource failed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PassedRule {
    /// The rule package the rule belongs to.
    pub package: Package,
    /// The rule's id within its package.
    pub rule_id: String,
    /// The rule's one-line title, as the report shows it.
    pub title: String,
    /// The severity a failure would have had.
    pub severity: Severity,
    /// Resources the rule evaluated and passed.
    pub resources_evaluated: i64,
}

/// What a run recorded about its rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PassedRules {
    /// Rules evaluated in all (passed or not).
    pub rules_evaluated: i64,
    /// Sorted by package, then rule id.
    pub passed: Vec<PassedRule>,
}

impl Store {
    /// Records run `run`'s rule outcomes in one transaction (replacing any earlier ones).
    pub async fn record_passed_rules(&self, run: i64, rules: &PassedRules) -> Result<()> {
        const WHAT: &str = "recording the rules that passed";
        let mut tx = self.pool.begin().await.ctx(WHAT)?;
        for table in ["run_passed_rules", "run_rule_summaries"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE run_id = $1"))
                .bind(run)
                .execute(&mut *tx)
                .await
                .ctx(WHAT)?;
        }
        sqlx::query("INSERT INTO run_rule_summaries (run_id, rules_evaluated) VALUES ($1, $2)")
            .bind(run)
            .bind(rules.rules_evaluated)
            .execute(&mut *tx)
            .await
            .ctx(WHAT)?;
        for r in &rules.passed {
            sqlx::query("INSERT INTO run_passed_rules (run_id, rule_id, title, severity, package, resources_evaluated) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
                .bind(run)
                .bind(&r.rule_id)
                .bind(&r.title)
                .bind(r.severity.as_str())
                .bind(r.package.as_str())
                .bind(r.resources_evaluated)
                .execute(&mut *tx)
                .await
                .ctx(WHAT)?;
        }
        tx.commit().await.ctx(WHAT)
    }

    /// Run `run`'s passed rules, or `None` when the run recorded none at all (it was
    /// stored by an older kensa, or it stopped before evaluating).
    pub async fn passed_rules(&self, run: i64) -> Result<Option<PassedRules>> {
        const WHAT: &str = "reading the rules that passed";
        self.run(run).await?;
        let summary =
            sqlx::query("SELECT rules_evaluated FROM run_rule_summaries WHERE run_id = $1")
                .bind(run)
                .fetch_optional(&self.pool)
                .await
                .ctx(WHAT)?;
        let Some(summary) = summary else {
            return Ok(None);
        };
        let rows = sqlx::query("SELECT rule_id, title, severity, package, resources_evaluated FROM run_passed_rules WHERE run_id = $1 ORDER BY package, rule_id")
            .bind(run)
            .fetch_all(&self.pool)
            .await
            .ctx(WHAT)?;
        let passed = rows
            .iter()
            .map(|r| {
                let text = |c: &str| r.try_get::<String, _>(c).ctx(WHAT);
                Ok(PassedRule {
                    package: parse_package(&text("package")?)?,
                    rule_id: text("rule_id")?,
                    title: text("title")?,
                    severity: text("severity")?
                        .parse()
                        .map_err(|e: String| StoreError::invalid("severity", e))?,
                    resources_evaluated: r.try_get("resources_evaluated").ctx(WHAT)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(PassedRules {
            rules_evaluated: summary.try_get("rules_evaluated").ctx(WHAT)?,
            passed,
        }))
    }
}
