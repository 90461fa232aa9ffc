//! `kensa collect`: take a live snapshot of AWS accounts into a directory, or print the
//! IAM policy that needs (`kensa collect iam-policy`).
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::builder::TypedValueParser;
use kensa_aws::collect::policy::collector_policy;
use kensa_aws::collect::{collect, CollectOptions, Manifest, DEFAULT_CONCURRENCY};
use kensa_aws::session::{Organization, Target, DEFAULT_ORG_ROLE};

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
    #[arg(long = "role-arn", value_name = "ARN", conflicts_with = "organization")]
    pub role_arns: Vec<String>,
    /// Every active account of the caller's AWS Organization (ListAccounts; run it from
    /// the management account or a delegated administrator), each reached by assuming
    /// --org-role-name; the caller's own account with its own credentials.
    #[arg(long)]
    pub organization: bool,
    /// The role assumed in each member account with --organization.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_ORG_ROLE, requires = "organization")]
    pub org_role_name: String,
    /// ExternalId passed to sts:AssumeRole (--role-arn and --organization), as the
    /// roles' trust policies require.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
}

impl AwsArgs {
    pub fn target(&self) -> Target {
        Target {
            profile: self.profile.clone(),
            regions: self.regions.clone(),
            all_regions: self.all_regions,
            role_arns: self.role_arns.clone(),
            organization: self.organization.then(|| Organization {
                role_name: self.org_role_name.clone(),
            }),
            external_id: self.external_id.clone(),
            ..Target::default()
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<CollectCommand>,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Snapshot directory to write (`aws_configs/<region>/*.json` and `manifest.json`).
    #[arg(long, value_name = "DIR", required = true)]
    pub out: Option<PathBuf>,
    /// No progress output (bars on a terminal, one line per region otherwise).
    #[arg(long)]
    pub no_progress: bool,
    /// AWS calls in flight at once over the whole run (all accounts and regions);
    /// throttled calls are retried with backoff either way.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = clap::value_parser!(u16).range(1..=512).map(usize::from))]
    pub concurrency: usize,
}

#[derive(Debug, clap::Subcommand)]
pub enum CollectCommand {
    /// Print the read-only IAM policy collection needs (JSON), to attach to the role
    /// or user kensa runs as in every account.
    IamPolicy(IamPolicyArgs),
}

#[derive(Debug, clap::Args)]
pub struct IamPolicyArgs {
    /// Also allow discovering the organization's accounts and assuming the member role
    /// (for the account that runs `kensa collect --organization`).
    #[arg(long)]
    pub organization: bool,
    /// The member role assumed with --organization.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_ORG_ROLE, requires = "organization")]
    pub org_role_name: String,
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
    concurrency: usize,
) -> anyhow::Result<Manifest> {
    let opts = CollectOptions {
        out: out.to_owned(),
        progress,
        concurrency,
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
    if let Some(CollectCommand::IamPolicy(a)) = &args.command {
        let org = a.organization.then(|| Organization {
            role_name: a.org_role_name.clone(),
        });
        crate::outln!(
            "{}",
            serde_json::to_string_pretty(&collector_policy(org.as_ref()))?
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let out = args.out.context("--out DIR is required")?;
    let manifest = collect_to(&args.aws, &out, !args.no_progress, args.concurrency)?;
    let regions: usize = manifest.accounts.iter().map(|a| a.regions.len()).sum();
    eprintln!(
        "collected {} account(s), {regions} region(s), {} file(s) into {} ({} warning(s))",
        manifest.accounts.len(),
        manifest.files.len(),
        out.display(),
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
    collect_to(aws, &dir, true, DEFAULT_CONCURRENCY)?;
    Ok((guard, dir))
}
