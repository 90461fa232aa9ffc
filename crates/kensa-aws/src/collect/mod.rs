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
//! collection goes on. Snapshots written before account settings moved into
//! `aws_configs/` kept them in `<out>/settings/`; [`Extras`] still reads those.
pub mod convert;
pub mod extras;
mod region;
mod write;

use std::path::{Path, PathBuf};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::session::{in_region, Target};

pub use extras::Extras;
pub use region::api_calls;

/// One API call that failed; the rest of the region was collected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CollectWarning {
    pub account: String,
    pub region: String,
    /// `ec2:DescribeVpcEndpoints`, ...
    pub api: String,
    pub code: Option<String>,
    pub message: String,
}

/// `manifest.json` at the snapshot root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    /// `single-account` (`aws_configs/<region>/`) or `multi-account`
    /// (`aws_configs/accounts/<account>/<region>/`).
    pub layout: String,
    pub accounts: Vec<ManifestAccount>,
    /// Files written, relative to the snapshot root, sorted.
    pub files: Vec<String>,
    pub warnings: Vec<CollectWarning>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestAccount {
    pub account_id: String,
    pub role_arn: Option<String>,
    pub regions: Vec<String>,
}

/// Options of one collection run.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    pub out: PathBuf,
    /// Draw progress bars (on stderr, and only when it is a terminal).
    pub progress: bool,
}

/// Collects every account and region of `target` into `opts.out`.
pub async fn collect(target: &Target, opts: &CollectOptions) -> Result<Manifest, AwsError> {
    let accounts = target.accounts().await?;
    let multi = accounts.len() > 1;
    let bars = if opts.progress {
        MultiProgress::new()
    } else {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    };
    let mut tasks = tokio::task::JoinSet::new();
    let mut manifest_accounts = Vec::new();
    for session in &accounts {
        let regions = target.regions_for(session).await?;
        for region in &regions {
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
            tasks.spawn(async move {
                let data = region::collect_region(&config, &account, &region, &bar).await;
                bar.finish_with_message(format!("done, {} warning(s)", data.warnings.len()));
                (dir, data)
            });
        }
        manifest_accounts.push(ManifestAccount {
            account_id: session.account_id.clone(),
            role_arn: session.role_arn.clone(),
            regions,
        });
    }
    let mut files = Vec::new();
    let mut warnings = Vec::new();
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
