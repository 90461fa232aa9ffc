//! Fencing a claimed run's writes. A worker that stalls past its lease (a long GC-free
//! pause still happens: SIGSTOP, a swapped-out VM, a frozen disk) must not write into a
//! run another worker now holds. Each claim of a queued run increments its `attempts`;
//! that number is the claim's generation. A store copy made with [`Store::fenced`]
//! checks, inside the transaction of every write to the run, that the queue row still
//! carries that generation; otherwise the write is rolled back and fails with
//! [`StoreError::LeaseLost`]. On PostgreSQL the check comes first and locks the queue
//! row (`FOR SHARE`) until commit, so a claim by another worker waits for the batch and
//! cannot slip in between check and commit; taking the queue row before the run's rows,
//! as a claim does, keeps the two from deadlocking. On SQLite (one writer at a time) the
//! check comes just before commit, after the writes took the write lock: a read first
//! would have to upgrade to a write lock, which fails at once under concurrency.
use sqlx::Row;

use crate::db::{Backend, Store};
use crate::error::{QueryContext, Result, StoreError};

/// Where in a write transaction a fence check stands (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FencePoint {
    /// Right after `BEGIN`: PostgreSQL checks here.
    BeforeWrites,
    /// Right before `COMMIT`: SQLite checks here.
    BeforeCommit,
}

/// The claim a store copy writes for: run `run`, claimed as generation `generation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fence {
    /// The run whose writes are fenced.
    pub run: i64,
    /// The claim's number (the queue row's `attempts` when it was claimed): writes succeed
    /// only while the row still has it.
    pub generation: i64,
}

impl Store {
    /// A copy of this store whose writes to `run` succeed only while `run`'s lease is
    /// still claim `generation` (see the module's documentation).
    pub fn fenced(&self, run: i64, generation: i64) -> Store {
        let mut fenced = self.clone();
        fenced.fence = Some(Fence { run, generation });
        fenced
    }

    /// Checks the fence for a write to `run` inside `tx` at `point` (no-op without a
    /// fence, for another run, or at the other backend's point).
    pub(crate) async fn check_fence(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        run: i64,
        point: FencePoint,
    ) -> Result<()> {
        let Some(fence) = self.fence.filter(|f| f.run == run) else {
            return Ok(());
        };
        let lock = match (self.backend, point) {
            (Backend::Postgres, FencePoint::BeforeWrites) => " FOR SHARE",
            (Backend::Sqlite, FencePoint::BeforeCommit) => "",
            _ => return Ok(()),
        };
        let row = sqlx::query(&format!(
            "SELECT attempts, lease_owner FROM run_queue WHERE run_id = $1{lock}"
        ))
        .bind(run)
        .fetch_optional(&mut **tx)
        .await
        .ctx("checking a run's lease")?;
        let (generation, owner): (i64, Option<String>) = match row {
            Some(r) => (
                r.try_get("attempts").ctx("checking a run's lease")?,
                r.try_get("lease_owner").ctx("checking a run's lease")?,
            ),
            None => (-1, None),
        };
        if generation == fence.generation {
            return Ok(());
        }
        Err(StoreError::LeaseLost {
            run,
            generation: fence.generation,
            now: match owner {
                Some(o) => format!("claim {generation} by {o}"),
                None => "nobody".into(),
            },
        })
    }

    /// Fails with [`StoreError::LeaseLost`] when this fenced copy's claim of `run` no
    /// longer holds the lease (always Ok without a fence).
    pub async fn check_lease(&self, run: i64) -> Result<()> {
        if self.fence.is_none() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.ctx("checking a run's lease")?;
        self.check_fence(&mut tx, run, FencePoint::BeforeWrites)
            .await?;
        self.check_fence(&mut tx, run, FencePoint::BeforeCommit)
            .await?;
        tx.commit().await.ctx("checking a run's lease")
    }
}
