//! The live collector: every describe call the snapshot model reads, for each account
//! and region, written as a snapshot directory in the AWS CLI's JSON shape:
//!
//! ```text
//! <out>/manifest.json                                  what was collected, warnings
//! <out>/aws_configs/<region>/<Key>.json                one account
//! <out>/aws_configs/accounts/<account>/<region>/...    several accounts (--role-arn)
//! ```
//!
//! Each file is `{"<Key>": [...]}` exactly as `aws ec2 describe-*` prints it, or the one
//! object a `get-*` call prints (`{"EbsEncryptionByDefault": false}`). Calls that take
//! one resource at a time are merged into the records the model reads them from
//! (prefix-list entries into `PrefixLists`, target health into `TargetGroups`, TGW
//! routes/propagations/associations into `TransitGatewayRouteTables`, VPC attachment
//! subnets into `TransitGatewayAttachments`, `createVolumePermission` into `Snapshots`,
//! launch permissions into `Images`). A call that fails (AccessDenied, not available in
//! the region, not implemented by the endpoint) becomes a warning in the manifest;
//! collection goes on.
//!
//! Every independent call runs concurrently: accounts, regions, the calls of a region,
//! and the per-resource calls, all bounded by one [`Limiter`] (`--concurrency`). A
//! throttled call is retried by the SDK (adaptive retry, [`crate::session::retry_config`]);
//! one that still fails is a warning like any other. Snapshots written before account settings moved into
//! `aws_configs/` kept them in `<out>/settings/`; [`Extras`] still reads those.
pub mod convert;
pub mod extras;
pub mod limit;
pub mod policy;
mod region;
mod unimplemented;
pub mod unit;
mod write;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, AwsError};
use crate::session::{in_region, AccountSession, Target};

pub use extras::Extras;
pub use limit::{Limiter, DEFAULT_CONCURRENCY};
pub use region::api_calls;

/// One API call that failed; the rest of the region was collected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CollectWarning {
    /// The account called.
    pub account: String,
    /// The region called.
    pub region: String,
    /// `ec2:DescribeVpcEndpoints`, ...
    pub api: String,
    /// The service's error code (`AccessDenied`, ...), when it sent one.
    pub code: Option<String>,
    /// What the service or the transport said.
    pub message: String,
}

/// `manifest.json` at the snapshot root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// `kensa`.
    pub tool: String,
    /// The kensa version that collected.
    pub version: String,
    /// `single-account` (`aws_configs/<region>/`) or `multi-account`
    /// (`aws_configs/accounts/<account>/<region>/`).
    pub layout: String,
    /// The accounts collected, with their regions.
    pub accounts: Vec<ManifestAccount>,
    /// Files written, relative to the snapshot root, sorted.
    pub files: Vec<String>,
    /// The calls that failed (the rest was collected).
    pub warnings: Vec<CollectWarning>,
}

/// One account of a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestAccount {
    /// The 12-digit account id.
    pub account_id: String,
    /// The role assumed to reach it, if any.
    pub role_arn: Option<String>,
    /// The regions collected.
    pub regions: Vec<String>,
}

/// Options of one collection run.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// The snapshot directory written.
    pub out: PathBuf,
    /// Report progress on stderr: bars on a terminal, one line per finished region
    /// otherwise.
    pub progress: bool,
    /// Calls in flight at once, over the whole run.
    pub concurrency: usize,
}

impl CollectOptions {
    /// Collect into `out` with the default bound and no progress output.
    pub fn quiet(out: impl Into<PathBuf>) -> CollectOptions {
        CollectOptions {
            out: out.into(),
            progress: false,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// Collects every account and region of `target` into `opts.out`.
pub async fn collect(target: &Target, opts: &CollectOptions) -> Result<Manifest, AwsError> {
    let resolved = target.resolve().await?;
    let multi = resolved.sessions.len() > 1 || target.organization.is_some();
    let mut warnings: Vec<CollectWarning> = resolved
        .unreachable
        .into_iter()
        .map(|(account, api, e)| account_warning(account, &api, e))
        .collect();
    let accounts = regions_of_every_account(target, resolved.sessions, &mut warnings).await?;
    let terminal = std::io::stderr().is_terminal();
    let lines = opts.progress && !terminal;
    let bars = if opts.progress && terminal {
        MultiProgress::with_draw_target(ProgressDrawTarget::stderr())
    } else {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    };
    let limit = Limiter::new(opts.concurrency);
    let mut tasks = tokio::task::JoinSet::new();
    let mut manifest_accounts = Vec::new();
    for (session, regions) in &accounts {
        for region in regions {
            let dir = region_dir(
                &opts.out,
                "aws_configs",
                multi.then_some(&session.account_id),
                region,
            );
            let bar = bars.add(region_bar(&session.account_id, region, multi));
            let config = in_region(&session.config, region);
            let account = session.account_id.clone();
            let region = region.clone();
            let limit = limit.clone();
            tasks.spawn(async move {
                let started = Instant::now();
                let data = region::collect_region(&config, &account, &region, &bar, &limit).await;
                let done = format!(
                    "done: {} call(s), {} warning(s), {:.1} s",
                    bar.length().unwrap_or(0),
                    data.warnings.len(),
                    started.elapsed().as_secs_f64()
                );
                if lines {
                    eprintln!("collected {account}/{region}: {done}");
                }
                bar.finish_with_message(done);
                (dir, data)
            });
        }
        manifest_accounts.push(ManifestAccount {
            account_id: session.account_id.clone(),
            role_arn: session.role_arn.clone(),
            regions: regions.clone(),
        });
    }
    let mut files = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (dir, data) = joined.map_err(|e| AwsError::Invalid(format!("collector task: {e}")))?;
        files.extend(write::write_region(&opts.out, &dir, &data.files)?);
        warnings.extend(data.warnings);
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
        accounts: manifest_accounts,
        files,
        warnings,
    };
    write::write_json(
        &opts.out.join("manifest.json"),
        &serde_json::to_value(&manifest)
            .map_err(|e| AwsError::Invalid(format!("manifest: {e}")))?,
    )?;
    Ok(manifest)
}

/// A warning about a whole account (a role that could not be assumed, regions that
/// could not be listed): region `global`.
fn account_warning(account: String, api: &str, e: ApiError) -> CollectWarning {
    CollectWarning {
        account,
        region: "global".to_owned(),
        api: api.to_owned(),
        code: e.code,
        message: e.message,
    }
}

/// Each account with its regions, listed concurrently. An account whose regions cannot
/// be listed is a warning; the run fails only when no account is left.
async fn regions_of_every_account(
    target: &Target,
    sessions: Vec<AccountSession>,
    warnings: &mut Vec<CollectWarning>,
) -> Result<Vec<(AccountSession, Vec<String>)>, AwsError> {
    let any = !sessions.is_empty();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, session) in sessions.into_iter().enumerate() {
        let target = target.clone();
        tasks.spawn(async move {
            let regions = target.regions_for(&session).await;
            (i, session, regions)
        });
    }
    let mut found = Vec::new();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        let (i, session, regions) =
            joined.map_err(|e| AwsError::Invalid(format!("region listing task: {e}")))?;
        match regions {
            Ok(regions) => found.push((i, session, regions)),
            Err(AwsError::Api { operation, source }) => {
                warnings.push(account_warning(session.account_id, &operation, source))
            }
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    if found.is_empty() && any {
        let w = warnings
            .first()
            .map(|w| format!("{}: {}", w.api, w.message));
        return Err(AwsError::Invalid(format!(
            "no account could be collected ({})",
            w.unwrap_or_default()
        )));
    }
    found.sort_by_key(|(i, _, _)| *i);
    Ok(found.into_iter().map(|(_, s, r)| (s, r)).collect())
}

fn region_dir(out: &Path, top: &str, account: Option<&String>, region: &str) -> PathBuf {
    match account {
        Some(a) => out.join(top).join("accounts").join(a).join(region),
        None => out.join(top).join(region),
    }
}

fn region_bar(account: &str, region: &str, multi: bool) -> ProgressBar {
    let bar = ProgressBar::new(api_calls().len() as u64);
    let style = ProgressStyle::with_template("{prefix:>28} [{bar:30}] {pos}/{len} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(if multi {
        format!("{account}/{region}")
    } else {
        region.to_owned()
    });
    bar
}
