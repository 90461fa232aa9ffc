//! `kensa remediate apply --apply` and `kensa remediate rollback` record their journal
//! in the store when one is in use (`--store`, `KENSA_STORE`, or the default store file
//! when it exists), so `kensa serve` can show it and roll it back. The journal
//! directory stays the first record: it is written before AWS changes; the store is
//! written after.
use std::path::Path;

use anyhow::Context;
use kensa_aws::remediate::RollbackReport;
use kensa_server::auth::audit::record_cli;
use kensa_server::remediation::{import_journal, outcomes};
use kensa_store::{Location, Store, StoreError};
use serde_json::json;

use super::store_common::{store_in_use, StoreArgs};

/// A store in use, with the runtime its calls run on.
pub struct JournalStore {
    rt: tokio::runtime::Runtime,
    store: Store,
    location: Location,
}

impl JournalStore {
    pub fn for_args(args: &StoreArgs) -> anyhow::Result<Option<JournalStore>> {
        let Some(location) = store_in_use(args)? else {
            return Ok(None);
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let store = rt.block_on(Store::open(&location))?;
        Ok(Some(JournalStore {
            rt,
            store,
            location,
        }))
    }

    /// Runs one call against the store.
    pub fn call<'a, F: std::future::Future + 'a>(
        &'a self,
        f: impl FnOnce(&'a Store) -> F,
    ) -> F::Output {
        self.rt.block_on(f(&self.store))
    }

    /// Records the journal an apply run wrote under `root`.
    pub fn record_apply(&self, root: &Path, id: &str) -> anyhow::Result<()> {
        self.rt.block_on(async {
            import_journal(&self.store, root, id, "cli").await?;
            record_cli(
                &self.store,
                "remediation.apply",
                &format!("journal:{id}"),
                json!({"journal_dir": root.display().to_string()}),
            )
            .await?;
            anyhow::Ok(())
        })?;
        eprintln!(
            "journal {id} recorded in the store {}",
            self.location.display()
        );
        Ok(())
    }

    /// Before a rollback from the files: makes sure the store knows the journal and
    /// claims it. Err when the store says it was already rolled back or a rollback runs.
    pub fn claim_rollback(&self, root: &Path, id: &str) -> anyhow::Result<()> {
        self.rt.block_on(async {
            import_journal(&self.store, root, id, "cli").await?;
            match self.store.begin_rollback(id, "cli").await {
                Ok(_) => Ok(()),
                Err(e @ StoreError::Conflict(_)) => Err(anyhow::anyhow!(
                    "{e} (store {}); nothing was changed",
                    self.location.display()
                )),
                Err(e) => Err(e.into()),
            }
        })
    }

    /// After the rollback: each action's outcome and the journal's state; `error` when
    /// the rollback could not run at all.
    pub fn finish_rollback(
        &self,
        id: &str,
        report: Option<&RollbackReport>,
        error: Option<&str>,
    ) -> anyhow::Result<()> {
        let results = report.map(outcomes).unwrap_or_default();
        self.rt.block_on(async {
            let journal = self
                .store
                .finish_rollback(id, "cli", &results, error)
                .await?;
            record_cli(
                &self.store,
                "remediation.rollback",
                &format!("journal:{id}"),
                json!({"state": journal.summary.state}),
            )
            .await?;
            anyhow::Ok(())
        })?;
        eprintln!("rollback recorded in the store {}", self.location.display());
        Ok(())
    }
}
