//! Collection split into units of one account × one region, for workers that share a
//! run: [`plan`] lists the units of a target, [`collect_unit`] collects one into memory
//! (any process can, from the same target), and [`assemble`] writes the collected units
//! as the snapshot directory [`super::collect`] would have written.
use std::collections::BTreeMap;
use std::path::Path;

use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    region, region_dir, regions_of_every_account, write, CollectWarning, Limiter, Manifest,
    ManifestAccount, DEFAULT_CONCURRENCY,
};
use crate::error::AwsError;
use crate::session::{in_region, Target};

/// One account × region to collect.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unit {
    /// The 12-digit account id.
    pub account_id: String,
    /// The region.
    pub region: String,
}

/// The units of `target` (accounts it resolves to × their regions), sorted, with the
/// warnings about accounts that could not be reached or whose regions could not be
/// listed.
pub async fn plan(target: &Target) -> Result<(Vec<Unit>, Vec<CollectWarning>), AwsError> {
    let resolved = target.resolve().await?;
    let mut warnings: Vec<CollectWarning> = resolved
        .unreachable
        .into_iter()
        .map(|(account, api, e)| super::account_warning(account, &api, e))
        .collect();
    let accounts = regions_of_every_account(target, resolved.sessions, &mut warnings).await?;
    let mut units: Vec<Unit> = accounts
        .iter()
        .flat_map(|(session, regions)| {
            regions.iter().map(|region| Unit {
                account_id: session.account_id.clone(),
                region: region.clone(),
            })
        })
        .collect();
    units.sort();
    units.dedup();
    Ok((units, warnings))
}

/// What one unit's collection produced: the region's files (`<Key>.json` → content)
/// and the calls that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitData {
    /// The unit collected.
    pub unit: Unit,
    /// The role assumed to reach its account, if any.
    pub role_arn: Option<String>,
    /// `<Key>.json` → the call's JSON, as the AWS CLI prints it.
    pub files: BTreeMap<String, Value>,
    /// The calls that failed.
    pub warnings: Vec<CollectWarning>,
}

/// Collects `unit` with `target`'s credentials (the account's session is resolved
/// again, so any process holding the same target can collect any unit).
pub async fn collect_unit(target: &Target, unit: &Unit) -> Result<UnitData, AwsError> {
    let resolved = target.resolve().await?;
    let session = resolved
        .sessions
        .into_iter()
        .find(|s| s.account_id == unit.account_id)
        .ok_or_else(|| {
            AwsError::Invalid(format!(
                "account {} is not reachable with this process's AWS settings",
                unit.account_id
            ))
        })?;
    let config = in_region(&session.config, &unit.region);
    let limit = Limiter::new(DEFAULT_CONCURRENCY);
    let bar = ProgressBar::hidden();
    let data = region::collect_region(&config, &unit.account_id, &unit.region, &bar, &limit).await;
    Ok(UnitData {
        unit: unit.clone(),
        role_arn: session.role_arn,
        files: data.files,
        warnings: data.warnings,
    })
}

/// Writes collected units into `out` in the layout of [`super::collect`] (one account:
/// `aws_configs/<region>/`; several: `aws_configs/accounts/<account>/<region>/`), with
/// its manifest; `warnings` are the plan's.
pub fn assemble(
    out: &Path,
    units: &[UnitData],
    mut warnings: Vec<CollectWarning>,
) -> Result<Manifest, AwsError> {
    let mut accounts: BTreeMap<&str, ManifestAccount> = BTreeMap::new();
    for u in units {
        let entry = accounts
            .entry(&u.unit.account_id)
            .or_insert_with(|| ManifestAccount {
                account_id: u.unit.account_id.clone(),
                role_arn: u.role_arn.clone(),
                regions: Vec::new(),
            });
        entry.regions.push(u.unit.region.clone());
    }
    let multi = accounts.len() > 1;
    let mut files = Vec::new();
    for u in units {
        let account = multi.then_some(&u.unit.account_id);
        let dir = region_dir(out, "aws_configs", account, &u.unit.region);
        files.extend(write::write_region(out, &dir, &u.files)?);
        warnings.extend(u.warnings.iter().cloned());
    }
    files.sort();
    warnings.sort();
    let manifest = Manifest {
        tool: "kensa".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        layout: if multi {
            "multi-account"
        } else {
            "single-account"
        }
        .into(),
        accounts: accounts
            .into_values()
            .map(|mut a| {
                a.regions.sort();
                a
            })
            .collect(),
        files,
        warnings,
    };
    write::write_json(
        &out.join("manifest.json"),
        &serde_json::to_value(&manifest)
            .map_err(|e| AwsError::Invalid(format!("manifest: {e}")))?,
    )?;
    Ok(manifest)
}
