//! Counts for a dashboard's overview in one grouped query, rather than a count per
//! severity and package over the whole findings table.
use kensa_model::Severity;
use sqlx::Row;

use crate::db::Store;
use crate::error::{QueryContext, Result};
use crate::findings::severity_of_rank;

/// Active findings of one package and severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveCount {
    pub package: String,
    pub severity: Severity,
    pub count: i64,
}

impl Store {
    /// Active findings counted by package and severity (pairs with none are absent),
    /// ordered by package, then worst severity first.
    pub async fn active_counts(&self) -> Result<Vec<ActiveCount>> {
        let rows = sqlx::query(
            "SELECT package, severity, COUNT(*) AS n FROM findings WHERE status = 'active' \
             GROUP BY package, severity ORDER BY package, severity DESC",
        )
        .fetch_all(&self.pool)
        .await
        .ctx("counting active findings")?;
        rows.iter()
            .map(|r| {
                Ok(ActiveCount {
                    package: r.try_get("package").ctx("counting active findings")?,
                    severity: severity_of_rank(
                        r.try_get::<i64, _>("severity")
                            .ctx("counting active findings")?,
                    )?,
                    count: r.try_get("n").ctx("counting active findings")?,
                })
            })
            .collect()
    }
}
