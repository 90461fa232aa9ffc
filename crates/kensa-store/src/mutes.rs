//! Mute rules (kensa-rules' mute list format) kept in the store and applied to stored
//! findings: a matching finding is `suppressed`, with the rule's reason and expiry.
use std::collections::BTreeMap;

use kensa_model::Finding;
use kensa_rules::mute::{Mute, MuteList};
use serde::Serialize;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::findings::{finding_of_row, FINDING_COLUMNS};
use crate::json::{from_json, to_json};

/// A stored mute rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MuteRule {
    /// The store's id; status reasons name it (`muted by rule 3`).
    pub id: i64,
    /// The rule id it mutes (`fsbp:EC2.19`); `None`: any rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The resource id it mutes; `None`: any resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Tags the resource must carry, all of them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The account it applies to; `None`: any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region it applies to; `None`: any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Why the findings are accepted; required, shown in the status reason.
    pub reason: String,
    /// When it expires (`YYYY-MM-DD`): from that day on, its findings are active again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The file it came from.
    pub source: String,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
}

impl MuteRule {
    fn to_mute(&self) -> Mute {
        Mute {
            rule: self.rule.clone(),
            resource: self.resource.clone(),
            tags: self.tags.clone(),
            account: self.account.clone(),
            region: self.region.clone(),
            reason: self.reason.clone(),
            expires: self.expires.clone(),
        }
    }
}

/// The status reason a mute gives a finding.
pub(crate) fn reason(id: usize, m: &Mute) -> String {
    match &m.expires {
        Some(e) => format!("muted by rule {id}: {} (expires {e})", m.reason),
        None => format!("muted by rule {id}: {}", m.reason),
    }
}

/// What re-applying the mute rules changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct MuteOutcome {
    /// Active findings now suppressed.
    pub suppressed: i64,
    /// Suppressed findings active again (their rule was removed or expired).
    pub unsuppressed: i64,
    /// Findings whose status did not change.
    pub unchanged: i64,
}

impl Store {
    /// Adds the entries of a mute list (already validated by kensa-rules), replacing
    /// every stored rule when `replace`.
    pub async fn import_mutes(
        &self,
        list: &MuteList,
        source: &str,
        replace: bool,
    ) -> Result<usize> {
        let now = clock::now();
        let mut tx = self.pool.begin().await.ctx("importing mute rules")?;
        if replace {
            sqlx::query("DELETE FROM mute_rules")
                .execute(&mut *tx)
                .await
                .ctx("importing mute rules")?;
        }
        for m in &list.mutes {
            sqlx::query("INSERT INTO mute_rules (rule, resource, tags, account, region, reason, expires, source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(&m.rule)
                .bind(&m.resource)
                .bind(to_json(&m.tags))
                .bind(&m.account)
                .bind(&m.region)
                .bind(&m.reason)
                .bind(&m.expires)
                .bind(source)
                .bind(&now)
                .execute(&mut *tx)
                .await
                .ctx("importing mute rules")?;
        }
        tx.commit().await.ctx("importing mute rules")?;
        Ok(list.mutes.len())
    }

    /// Every stored mute rule, by id.
    pub async fn mutes(&self) -> Result<Vec<MuteRule>> {
        let rows = sqlx::query("SELECT id, rule, resource, tags, account, region, reason, expires, source, created_at FROM mute_rules ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .ctx("listing mute rules")?;
        rows.iter()
            .map(|r| {
                let get = |c: &str| r.try_get::<Option<String>, _>(c).ctx("reading a mute rule");
                let text = |c: &str| r.try_get::<String, _>(c).ctx("reading a mute rule");
                Ok(MuteRule {
                    id: r.try_get("id").ctx("reading a mute rule")?,
                    rule: get("rule")?,
                    resource: get("resource")?,
                    tags: from_json("mute tags", &text("tags")?)?,
                    account: get("account")?,
                    region: get("region")?,
                    reason: text("reason")?,
                    expires: get("expires")?,
                    source: text("source")?,
                    created_at: text("created_at")?,
                })
            })
            .collect()
    }

    /// Removes mute rule `id` (`NotFound` when there is none); findings it suppressed stay
    /// so until the rules are applied again.
    pub async fn delete_mute(&self, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM mute_rules WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("deleting a mute rule")?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "mute rule",
                name: id.to_string(),
            });
        }
        Ok(())
    }

    /// Rules not expired on `today`, with their ids.
    pub(crate) async fn live_mutes(&self, today: &str) -> Result<Vec<(usize, Mute)>> {
        Ok(self
            .mutes()
            .await?
            .iter()
            .filter(|m| m.expires.as_deref().is_none_or(|d| today < d))
            .map(|m| (m.id as usize, m.to_mute()))
            .collect())
    }

    /// Re-applies the live mute rules to every stored finding that is not resolved:
    /// matching ones become suppressed, formerly suppressed ones that no rule matches
    /// any more (an expired or deleted rule) become active again.
    pub async fn apply_mutes(&self, today: &str) -> Result<MuteOutcome> {
        let mutes = self.live_mutes(today).await?;
        let mut outcome = MuteOutcome::default();
        let mut after = String::new();
        loop {
            let rows = sqlx::query(&format!("SELECT {FINDING_COLUMNS} FROM findings f WHERE f.status <> 'resolved' AND f.id > $1 ORDER BY f.id LIMIT 1000"))
                .bind(&after)
                .fetch_all(&self.pool)
                .await
                .ctx("applying mute rules")?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id").ctx("applying mute rules")?;
            let mut tx = self.pool.begin().await.ctx("applying mute rules")?;
            for row in &rows {
                let stored = finding_of_row(row)?;
                let (status, why) = mute_status(&mutes, &stored.finding);
                if status == stored.finding.status && why == stored.status_reason {
                    outcome.unchanged += 1;
                    continue;
                }
                if status == kensa_model::FindingStatus::Suppressed {
                    outcome.suppressed += 1;
                } else {
                    outcome.unsuppressed += 1;
                }
                sqlx::query("UPDATE findings SET status = $1, status_reason = $2 WHERE id = $3")
                    .bind(crate::findings::status_str(status))
                    .bind(why)
                    .bind(&stored.finding.id)
                    .execute(&mut *tx)
                    .await
                    .ctx("applying mute rules")?;
            }
            tx.commit().await.ctx("applying mute rules")?;
        }
        Ok(outcome)
    }
}

fn mute_status(
    mutes: &[(usize, Mute)],
    f: &Finding,
) -> (kensa_model::FindingStatus, Option<String>) {
    match mutes.iter().find(|(_, m)| m.matches(f)) {
        Some((i, m)) => (kensa_model::FindingStatus::Suppressed, Some(reason(*i, m))),
        None => (kensa_model::FindingStatus::Active, None),
    }
}
