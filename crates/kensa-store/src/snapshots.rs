//! Snapshots a run assessed (metadata, content hash, where the files are) and the
//! accounts and regions they held.
use std::io::Read;
use std::path::Path;

use kensa_model::Snapshot;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};
use crate::fence::FencePoint;
use crate::json::{from_json, to_json};
use crate::model::SnapshotInfo;

/// What a run records about its input before evaluating it.
#[derive(Debug, Clone)]
pub struct NewSnapshot {
    /// `demo`, `directory` or `live`.
    pub source: String,
    /// The directory read, when there is one.
    pub location: Option<String>,
    /// [`hash_directory`] of it, or a constant for built-in data.
    pub content_hash: String,
    /// Accounts its instances belong to, sorted.
    pub accounts: Vec<String>,
    /// Regions its instances are in, sorted.
    pub regions: Vec<String>,
    /// Instances loaded.
    pub instances: i64,
    /// Input warnings raised while loading it.
    pub warnings: i64,
}

impl NewSnapshot {
    /// Describes a loaded snapshot; `content_hash` from [`hash_directory`] or a constant
    /// for built-in data.
    pub fn describe(
        snap: &Snapshot,
        source: &str,
        location: Option<String>,
        content_hash: String,
    ) -> Self {
        let mut accounts = std::collections::BTreeSet::new();
        let mut regions = std::collections::BTreeSet::new();
        for i in snap.instances.values() {
            accounts.insert(i.scope.account.clone());
            regions.insert(i.scope.region.clone());
        }
        for v in snap.vpcs.values() {
            accounts.insert(v.scope.account.clone());
            regions.insert(v.scope.region.clone());
        }
        accounts.remove("");
        regions.remove("");
        NewSnapshot {
            source: source.to_string(),
            location,
            content_hash,
            accounts: accounts.into_iter().collect(),
            regions: regions.into_iter().collect(),
            instances: snap.instances.len() as i64,
            warnings: snap.warnings.len() as i64,
        }
    }
}

/// SHA-256 over every file of a directory (relative path and contents, in path order),
/// so two runs over identical files record the same hash.
pub fn hash_directory(dir: &Path) -> Result<String> {
    let io_err = |p: &Path, e: std::io::Error| {
        StoreError::invalid("snapshot", format!("{}: {e}", p.display()))
    };
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        h.update(rel.to_string_lossy().as_bytes());
        h.update([0]);
        let mut f = std::fs::File::open(&path).map_err(|e| io_err(&path, e))?;
        loop {
            let n = f.read(&mut buf).map_err(|e| io_err(&path, e))?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        h.update([0]);
    }
    Ok(hex::encode(h.finalize()))
}

impl Store {
    /// Records the snapshot of a run and the accounts/regions it held.
    pub async fn attach_snapshot(&self, run: i64, snap: &NewSnapshot) -> Result<i64> {
        let now = clock::now();
        let mut tx = self.pool.begin().await.ctx("recording a snapshot")?;
        self.check_fence(&mut tx, run, FencePoint::BeforeWrites)
            .await?;
        let id: i64 = sqlx::query("INSERT INTO snapshots (source, location, content_hash, accounts, regions, instances, warnings, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(&snap.source)
            .bind(&snap.location)
            .bind(&snap.content_hash)
            .bind(to_json(&snap.accounts))
            .bind(to_json(&snap.regions))
            .bind(snap.instances)
            .bind(snap.warnings)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await
            .ctx("recording a snapshot")?
            .try_get("id")
            .ctx("recording a snapshot")?;
        for account in &snap.accounts {
            sqlx::query("INSERT INTO accounts (account_id, first_seen, last_seen) VALUES ($1, $2, $2) ON CONFLICT (account_id) DO UPDATE SET last_seen = excluded.last_seen")
                .bind(account)
                .bind(&now)
                .execute(&mut *tx)
                .await
                .ctx("recording accounts")?;
            for region in &snap.regions {
                sqlx::query("INSERT INTO account_regions (account_id, region) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(account)
                    .bind(region)
                    .execute(&mut *tx)
                    .await
                    .ctx("recording regions")?;
            }
        }
        sqlx::query("UPDATE runs SET snapshot_id = $1 WHERE id = $2")
            .bind(id)
            .bind(run)
            .execute(&mut *tx)
            .await
            .ctx("recording a snapshot")?;
        self.check_fence(&mut tx, run, FencePoint::BeforeCommit)
            .await?;
        tx.commit().await.ctx("recording a snapshot")?;
        Ok(id)
    }

    /// The snapshot recorded under `id` (`NotFound` when there is none).
    pub async fn snapshot_info(&self, id: i64) -> Result<SnapshotInfo> {
        let row = sqlx::query("SELECT id, source, location, content_hash, accounts, regions, instances, warnings, created_at FROM snapshots WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .ctx("reading a snapshot")?;
        let text = |c: &str| row.try_get::<String, _>(c).ctx("reading a snapshot");
        Ok(SnapshotInfo {
            id,
            source: text("source")?,
            location: row.try_get("location").ctx("reading a snapshot")?,
            content_hash: text("content_hash")?,
            accounts: from_json("snapshot accounts", &text("accounts")?)?,
            regions: from_json("snapshot regions", &text("regions")?)?,
            instances: row.try_get("instances").ctx("reading a snapshot")?,
            warnings: row.try_get("warnings").ctx("reading a snapshot")?,
            created_at: text("created_at")?,
        })
    }

    /// Accounts and the regions seen for each, from every snapshot stored.
    pub async fn accounts(&self) -> Result<Vec<(String, Vec<String>)>> {
        let rows = sqlx::query("SELECT a.account_id, r.region FROM accounts a LEFT JOIN account_regions r ON r.account_id = a.account_id ORDER BY a.account_id, r.region")
            .fetch_all(&self.pool)
            .await
            .ctx("listing accounts")?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for row in rows {
            let account: String = row.try_get("account_id").ctx("listing accounts")?;
            let region: Option<String> = row.try_get("region").ctx("listing accounts")?;
            if out.last().is_none_or(|(a, _)| *a != account) {
                out.push((account, Vec::new()));
            }
            if let (Some(r), Some((_, regions))) = (region, out.last_mut()) {
                regions.push(r);
            }
        }
        Ok(out)
    }
}
