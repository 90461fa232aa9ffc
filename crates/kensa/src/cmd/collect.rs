//! `kensa collect`: take a live snapshot of AWS accounts into a directory.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_aws::collect::{collect, CollectOptions, Manifest};
use kensa_aws::session::Target;

/// Which AWS accounts and regions to reach (shared by `collect`, `scan --live` and
/// `remediate`). Credentials come from the SDK's usual chain; `AWS_ENDPOINT_URL` is
/// honoured.
#[derive(Debug, Clone, clap::Args)]
pub struct AwsArgs {
    /// Named profile from the AWS config files.
    #[arg(long)]
    pub profile: Option<String>,
    /// Region to collect (repeatable); default: the profile's region.
    #[arg(long = "region", value_name = "REGION", conflicts_with = "all_regions")]
    pub regions: Vec<String>,
    /// Every region enabled for the account.
    #[arg(long)]
    pub all_regions: bool,
    /// Role to assume, one account each (repeatable); several give the multi-account layout.
    #[arg(long = "role-arn", value_name = "ARN")]
    pub role_arns: Vec<String>,
}

impl AwsArgs {
    pub fn target(&self) -> Target {
        Target {
            profile: self.profile.clone(),
            regions: self.regions.clone(),
            all_regions: self.all_regions,
            role_arns: self.role_arns.clone(),
            ..Target::default()
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Snapshot directory to write (`aws_configs/<region>/*.json` and `manifest.json`).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No progress bars.
    #[arg(long)]
    pub no_progress: bool,
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Collects into `out`, printing the manifest's warnings to stderr.
pub fn collect_to(
    aws: &AwsArgs,
    out: &std::path::Path,
    progress: bool,
) -> anyhow::Result<Manifest> {
    let opts = CollectOptions {
        out: out.to_owned(),
        progress,
    };
    let manifest = runtime()?
        .block_on(collect(&aws.target(), &opts))
        .context("collecting from AWS")?;
    for w in &manifest.warnings {
        let code = w.code.as_deref().unwrap_or("error");
        eprintln!(
            "warning: {}/{} {}: {code}: {}",
            w.account, w.region, w.api, w.message
        );
    }
    Ok(manifest)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let manifest = collect_to(&args.aws, &args.out, !args.no_progress)?;
    let regions: usize = manifest.accounts.iter().map(|a| a.regions.len()).sum();
    eprintln!(
        "collected {} account(s), {regions} region(s), {} file(s) into {} ({} warning(s))",
        manifest.accounts.len(),
        manifest.files.len(),
        args.out.display(),
        manifest.warnings.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// For `--live` options (`scan --live`, `remediate plan --live`): collects into `keep` if
/// given, else into a temporary directory that lives as long as the returned guard.
pub fn live_snapshot(
    aws: &AwsArgs,
    keep: Option<&std::path::Path>,
) -> anyhow::Result<(Option<tempfile::TempDir>, PathBuf)> {
    let (guard, dir) = match keep {
        Some(dir) => (None, dir.to_owned()),
        None => {
            let temp = tempfile::tempdir().context("creating a temporary directory")?;
            let dir = temp.path().to_owned();
            (Some(temp), dir)
        }
    };
    collect_to(aws, &dir, true)?;
    Ok((guard, dir))
}
