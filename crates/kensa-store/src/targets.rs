//! Targets and their resource groups.
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::json::{from_json, to_json};
use crate::model::{NewTarget, TagPair, Target, MAX_TAGS};

impl Store {
    /// Creates a target. Checks the name, the tag count (1-10 when a resource group is
    /// given) and that the names are unique.
    pub async fn create_target(&self, new: &NewTarget) -> Result<Target> {
        validate_name("target name", &new.name)?;
        let mut tags = new.tags.clone();
        tags.sort();
        tags.dedup();
        if tags.len() > MAX_TAGS {
            return Err(StoreError::invalid(
                "resource group",
                format!(
                    "{} tag pairs; a resource group holds 1 to {MAX_TAGS}",
                    tags.len()
                ),
            ));
        }
        let mut tx = self.pool.begin().await.ctx("creating a target")?;
        let exists = sqlx::query("SELECT id FROM targets WHERE name = $1")
            .bind(&new.name)
            .fetch_optional(&mut *tx)
            .await
            .ctx("creating a target")?;
        if exists.is_some() {
            return Err(StoreError::Exists {
                what: "target",
                name: new.name.clone(),
            });
        }
        let now = clock::now();
        let group: Option<i64> = if tags.is_empty() {
            None
        } else {
            let row =
                sqlx::query("INSERT INTO resource_groups (created_at) VALUES ($1) RETURNING id")
                    .bind(&now)
                    .fetch_one(&mut *tx)
                    .await
                    .ctx("creating a resource group")?;
            let id: i64 = row.try_get("id").ctx("creating a resource group")?;
            for t in &tags {
                sqlx::query("INSERT INTO resource_group_tags (group_id, tag_key, tag_value) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(&t.key)
                    .bind(&t.value)
                    .execute(&mut *tx)
                    .await
                    .ctx("creating a resource group")?;
            }
            Some(id)
        };
        sqlx::query("INSERT INTO targets (name, accounts, regions, resource_group_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&new.name)
            .bind(to_json(&sorted(&new.accounts)))
            .bind(to_json(&sorted(&new.regions)))
            .bind(group)
            .bind(&now)
            .execute(&mut *tx)
            .await
            .ctx("creating a target")?;
        tx.commit().await.ctx("creating a target")?;
        self.target(&new.name).await
    }

    /// A target by name (or numeric id).
    pub async fn target(&self, name: &str) -> Result<Target> {
        let row = sqlx::query(&format!(
            "{TARGET_SELECT} WHERE name = $1 OR CAST(id AS TEXT) = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a target")?
        .ok_or_else(|| StoreError::NotFound {
            what: "target",
            name: name.to_string(),
        })?;
        self.target_of_row(&row).await
    }

    /// Every target, by name.
    pub async fn targets(&self) -> Result<Vec<Target>> {
        let rows = sqlx::query(&format!("{TARGET_SELECT} ORDER BY name"))
            .fetch_all(&self.pool)
            .await
            .ctx("listing targets")?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.target_of_row(row).await?);
        }
        Ok(out)
    }

    /// Deletes a target no template uses.
    pub async fn delete_target(&self, name: &str) -> Result<()> {
        let target = self.target(name).await?;
        let mut tx = self.pool.begin().await.ctx("deleting a target")?;
        let users: Vec<String> =
            sqlx::query("SELECT name FROM templates WHERE target_id = $1 ORDER BY name")
                .bind(target.id)
                .fetch_all(&mut *tx)
                .await
                .ctx("deleting a target")?
                .iter()
                .map(|r| r.try_get("name"))
                .collect::<Result<_, _>>()
                .ctx("deleting a target")?;
        if !users.is_empty() {
            return Err(StoreError::Conflict(format!(
                "target `{}` is used by template(s) {}; delete them first",
                target.name,
                users.join(", ")
            )));
        }
        let group: Option<i64> = sqlx::query("SELECT resource_group_id FROM targets WHERE id = $1")
            .bind(target.id)
            .fetch_one(&mut *tx)
            .await
            .ctx("deleting a target")?
            .try_get("resource_group_id")
            .ctx("deleting a target")?;
        sqlx::query("DELETE FROM targets WHERE id = $1")
            .bind(target.id)
            .execute(&mut *tx)
            .await
            .ctx("deleting a target")?;
        if let Some(g) = group {
            sqlx::query("DELETE FROM resource_groups WHERE id = $1")
                .bind(g)
                .execute(&mut *tx)
                .await
                .ctx("deleting a resource group")?;
        }
        tx.commit().await.ctx("deleting a target")
    }

    async fn target_of_row(&self, row: &AnyRow) -> Result<Target> {
        let get = |c: &str| row.try_get::<String, _>(c).ctx("reading a target");
        let group: Option<i64> = row.try_get("resource_group_id").ctx("reading a target")?;
        let tags = match group {
            None => Vec::new(),
            Some(g) => sqlx::query("SELECT tag_key, tag_value FROM resource_group_tags WHERE group_id = $1 ORDER BY tag_key, tag_value")
                .bind(g)
                .fetch_all(&self.pool)
                .await
                .ctx("reading a resource group")?
                .iter()
                .map(|r| {
                    Ok(TagPair {
                        key: r.try_get("tag_key")?,
                        value: r.try_get("tag_value")?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()
                .ctx("reading a resource group")?,
        };
        Ok(Target {
            id: row.try_get("id").ctx("reading a target")?,
            name: get("name")?,
            accounts: from_json("target accounts", &get("accounts")?)?,
            regions: from_json("target regions", &get("regions")?)?,
            tags,
            created_at: get("created_at")?,
        })
    }
}

const TARGET_SELECT: &str =
    "SELECT id, name, accounts, regions, resource_group_id, created_at FROM targets";

fn sorted(v: &[String]) -> Vec<String> {
    let mut v: Vec<String> = v
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Names are what users type: non-empty, no leading digit-only (ids take those), short.
pub(crate) fn validate_name(field: &str, name: &str) -> Result<()> {
    let bad = |m: &str| Err(StoreError::invalid(field, format!("`{name}`: {m}")));
    if name.trim().is_empty() || name.trim() != name {
        return bad("empty or surrounded by spaces");
    }
    if name.len() > 140 {
        return bad("longer than 140 characters");
    }
    if name.chars().all(|c| c.is_ascii_digit()) {
        return bad("all digits (reserved for ids)");
    }
    Ok(())
}
