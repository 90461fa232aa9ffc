//! Templates: immutable once created (the schema refuses updates).
use std::collections::BTreeMap;

use kensa_model::Package;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::json::{from_json, to_json};
use crate::model::{parse_package, NewTemplate, Template, MAX_USER_ATTRIBUTES};
use crate::targets::validate_name;

impl Store {
    /// Creates a template after checking everything a run will rely on: the target
    /// exists, packages are known, `config` names a framework, at most 10 user
    /// attributes with non-empty keys.
    pub async fn create_template(&self, new: &NewTemplate) -> Result<Template> {
        validate_name("template name", &new.name)?;
        let target = self.target(&new.target).await.map_err(|e| match e {
            StoreError::NotFound { .. } => StoreError::invalid(
                "template target",
                format!("target `{}` does not exist (kensa target list)", new.target),
            ),
            other => other,
        })?;
        let packages = packages(&new.packages)?;
        let framework = framework(&packages, new.framework.as_deref())?;
        let attributes = user_attributes(&new.user_attributes)?;
        let mut subscriptions = new.subscriptions.clone();
        subscriptions.sort();
        subscriptions.dedup();
        let mut tx = self.pool.begin().await.ctx("creating a template")?;
        let exists = sqlx::query("SELECT id FROM templates WHERE name = $1")
            .bind(&new.name)
            .fetch_optional(&mut *tx)
            .await
            .ctx("creating a template")?;
        if exists.is_some() {
            return Err(StoreError::Exists {
                what: "template",
                name: new.name.clone(),
            });
        }
        sqlx::query("INSERT INTO templates (name, target_id, packages, framework, user_attributes, subscriptions, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&new.name)
            .bind(target.id)
            .bind(to_json(&packages))
            .bind(framework)
            .bind(to_json(&attributes))
            .bind(to_json(&subscriptions))
            .bind(clock::now())
            .execute(&mut *tx)
            .await
            .ctx("creating a template")?;
        tx.commit().await.ctx("creating a template")?;
        self.template(&new.name).await
    }

    /// A template by name (or numeric id).
    pub async fn template(&self, name: &str) -> Result<Template> {
        let row = sqlx::query(&format!(
            "{TEMPLATE_SELECT} WHERE t.name = $1 OR CAST(t.id AS TEXT) = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a template")?
        .ok_or_else(|| StoreError::NotFound {
            what: "template",
            name: name.to_string(),
        })?;
        template_of_row(&row)
    }

    /// Every template, by name.
    pub async fn templates(&self) -> Result<Vec<Template>> {
        sqlx::query(&format!("{TEMPLATE_SELECT} ORDER BY t.name"))
            .fetch_all(&self.pool)
            .await
            .ctx("listing templates")?
            .iter()
            .map(template_of_row)
            .collect()
    }

    /// Deletes a template and, with `with_runs`, its runs (their findings stay: they
    /// are the account's history). Without it, a template that has runs is kept.
    pub async fn delete_template(&self, name: &str, with_runs: bool) -> Result<()> {
        let template = self.template(name).await?;
        let mut tx = self.pool.begin().await.ctx("deleting a template")?;
        let runs: i64 = sqlx::query("SELECT COUNT(*) AS n FROM runs WHERE template_id = $1")
            .bind(template.id)
            .fetch_one(&mut *tx)
            .await
            .ctx("deleting a template")?
            .try_get("n")
            .ctx("deleting a template")?;
        if runs > 0 && !with_runs {
            return Err(StoreError::Conflict(format!(
                "template `{}` has {runs} run(s); pass --with-runs to delete them too",
                template.name
            )));
        }
        // Findings keep the ids of the runs that first and last saw them (plain
        // numbers, not foreign keys): the history of the account outlives a template.
        for sql in [
            "DELETE FROM run_findings WHERE run_id IN (SELECT id FROM runs WHERE template_id = $1)",
            "DELETE FROM exclusions WHERE run_id IN (SELECT id FROM runs WHERE template_id = $1)",
            "DELETE FROM run_states WHERE run_id IN (SELECT id FROM runs WHERE template_id = $1)",
            "DELETE FROM run_notifications WHERE run_id IN (SELECT id FROM runs WHERE template_id = $1)",
        ] {
            sqlx::query(sql)
                .bind(template.id)
                .execute(&mut *tx)
                .await
                .ctx("deleting a template's runs")?;
        }
        sqlx::query("DELETE FROM runs WHERE template_id = $1")
            .bind(template.id)
            .execute(&mut *tx)
            .await
            .ctx("deleting a template's runs")?;
        sqlx::query("DELETE FROM templates WHERE id = $1")
            .bind(template.id)
            .execute(&mut *tx)
            .await
            .ctx("deleting a template")?;
        tx.commit().await.ctx("deleting a template")
    }
}

const TEMPLATE_SELECT: &str = "SELECT t.id, t.name, t.target_id, g.name AS target, t.packages, t.framework, t.user_attributes, t.subscriptions, t.created_at FROM templates t JOIN targets g ON g.id = t.target_id";

fn template_of_row(row: &AnyRow) -> Result<Template> {
    let get = |c: &str| row.try_get::<String, _>(c).ctx("reading a template");
    Ok(Template {
        id: row.try_get("id").ctx("reading a template")?,
        name: get("name")?,
        target: get("target")?,
        target_id: row.try_get("target_id").ctx("reading a template")?,
        packages: from_json("template packages", &get("packages")?)?,
        framework: row.try_get("framework").ctx("reading a template")?,
        user_attributes: from_json("template user attributes", &get("user_attributes")?)?,
        subscriptions: from_json("template subscriptions", &get("subscriptions")?)?,
        created_at: get("created_at")?,
    })
}

fn packages(names: &[String]) -> Result<Vec<Package>> {
    if names.is_empty() {
        return Err(StoreError::invalid(
            "template packages",
            "name at least one package (network-reachability, config, cve)",
        ));
    }
    let mut out = names
        .iter()
        .map(|n| parse_package(n))
        .collect::<Result<Vec<_>>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

fn framework(packages: &[Package], framework: Option<&str>) -> Result<Option<String>> {
    let has_config = packages.contains(&Package::Config);
    match (has_config, framework) {
        (false, Some(f)) => Err(StoreError::invalid(
            "template framework",
            format!("`{f}` given but the template has no `config` package"),
        )),
        (false, None) => Ok(None),
        (true, f) => {
            let f = f.unwrap_or("fsbp");
            kensa_rules::framework::resolve(f)
                .map_err(|e| StoreError::invalid("template framework", e.to_string()))?;
            Ok(Some(f.to_string()))
        }
    }
}

fn user_attributes(pairs: &[(String, String)]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (k, v) in pairs {
        if k.trim().is_empty() {
            return Err(StoreError::invalid(
                "user attribute",
                format!("`={v}`: the key is empty"),
            ));
        }
        if out.insert(k.trim().to_string(), v.clone()).is_some() {
            return Err(StoreError::invalid(
                "user attribute",
                format!("key `{k}` given twice"),
            ));
        }
    }
    if out.len() > MAX_USER_ATTRIBUTES {
        return Err(StoreError::invalid(
            "user attributes",
            format!(
                "{} given; a template holds at most {MAX_USER_ATTRIBUTES}",
                out.len()
            ),
        ));
    }
    Ok(out)
}
