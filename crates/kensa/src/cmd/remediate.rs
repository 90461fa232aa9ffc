//! `kensa remediate`: plan, apply (journaled, verified), roll back, and the IAM policy.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use kensa_aws::collect::Extras;
use kensa_aws::remediate::{
    apply_plan, build_plan_with_quotas, iam, rollback, ApplyOptions, Mode, Plan, PlanRequest,
    RuleCounting, SgQuotas, DEFAULT_CONTROLS,
};

use super::collect::{live_snapshot, runtime, AwsArgs};
use super::remediate_store::JournalStore;
use super::store_common::StoreArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: RemediateCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum RemediateCommand {
    /// Plan the exact API calls that fix the findings of a snapshot (or of a live
    /// collection). Changes nothing.
    Plan(PlanArgs),
    /// Apply a plan: journal each resource's state, change it, verify. Dry run unless
    /// --apply is given.
    Apply(ApplyArgs),
    /// Restore what a journaled apply run changed.
    Rollback(RollbackArgs),
    /// Print the least-privilege IAM policy a plan (apply and rollback) needs.
    IamPolicy(IamArgs),
    /// Apply a remediation `kensa watch --policies` holds for approval (the id in its
    /// alert): journaled and verified like `apply --apply`; the running watcher alerts
    /// the outcome and follows the change.
    Approve(ApproveArgs),
}

#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The remediation id (`R…`) from the watcher's alert.
    pub id: String,
    /// The watcher's --state-dir (when the remediation is not in the store).
    #[arg(long, value_name = "DIR", default_value = ".kensa/watch")]
    pub state_dir: PathBuf,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub journal: JournalArgs,
    /// The store of `kensa watch --store` (its remediations are looked for there
    /// first); the journal is recorded in it too (as for `apply`).
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ModeArg {
    /// Remove exactly the offending rule (by SecurityGroupRuleId).
    Revoke,
    /// Replace it with rules for the same source on the same ports minus restricted ones.
    Narrow,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CountingArg {
    /// IPv4 and IPv6 rules each have the quota (AWS).
    PerFamily,
    /// Both families share one quota (endpoints such as moto; also the cautious choice).
    Combined,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Snapshot directory (as written by `kensa collect` or the AWS CLI).
    #[arg(required_unless_present = "live", conflicts_with = "live")]
    pub snapshot: Option<PathBuf>,
    /// Collect from AWS first (into --snapshot-out, or a temporary directory).
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Where --live keeps the collected snapshot.
    #[arg(long, value_name = "DIR", requires = "live")]
    pub snapshot_out: Option<PathBuf>,
    /// Controls to remediate, comma-separated, by id (`EC2.13`, `fsbp:EC2.13`,
    /// `restricted-ssh`): any control whose check has a fix (`kensa rules checks`). Only
    /// resources that fail a listed control are planned. Default: EC2.1,EC2.7,EC2.13,
    /// EC2.14,EC2.19,EC2.53,EC2.54,AMI.PUBLIC; EC2.2, EC2.8 and EC2.18 only on request.
    #[arg(long, value_delimiter = ',')]
    pub controls: Vec<String>,
    #[arg(long, value_enum, default_value = "revoke")]
    pub mode: ModeArg,
    /// Inbound (and, separately, outbound) rules per security group in this account
    /// (Service Quotas L-0EA8095F). Every group's planned changes, summed and in the order
    /// they run, stay within it; a narrowing that cannot fit is planned as a revoke, and
    /// the plan says why.
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub sg_rules_quota: u32,
    /// Security groups per network interface (L-2AFB9258); rules per group × groups per
    /// interface may not exceed 1,000.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub sg_per_interface_quota: u32,
    /// How IPv4 and IPv6 rules count against --sg-rules-quota.
    #[arg(long, value_enum, default_value = "per-family")]
    pub quota_counting: CountingArg,
    /// Write the plan as JSON to FILE (the input of `apply`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// The plan (JSON from `remediate plan --out`).
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// Really change AWS. Without it: a dry run that reports what would change.
    #[arg(long)]
    pub apply: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub journal: JournalArgs,
    /// Also record the journal in this store (default: KENSA_STORE, or the default
    /// store file when it exists), where `kensa serve` shows it and can roll it back.
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// The journal run id printed by `apply`.
    pub journal_id: String,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub journal: JournalArgs,
    /// Also record the journal in this store (default: KENSA_STORE, or the default
    /// store file when it exists), where `kensa serve` shows it and can roll it back.
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(Debug, clap::Args)]
pub struct JournalArgs {
    /// Journal directory (default: $KENSA_JOURNAL_DIR, else ./kensa-journal).
    #[arg(
        long,
        value_name = "DIR",
        env = "KENSA_JOURNAL_DIR",
        default_value = "kensa-journal"
    )]
    pub journal_dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct IamArgs {
    /// The plan; without it, a policy for every kind of remediation on any resource.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        RemediateCommand::Plan(a) => plan(a),
        RemediateCommand::Apply(a) => apply(a),
        RemediateCommand::Rollback(a) => roll_back(a),
        RemediateCommand::IamPolicy(a) => iam_policy(a),
        RemediateCommand::Approve(a) => approve(a),
    }
}

fn load_snapshot(dir: &Path) -> anyhow::Result<kensa_model::Snapshot> {
    let snapshot = kensa_model::Snapshot::load(dir)
        .with_context(|| format!("loading snapshot {}", dir.display()))?;
    for w in &snapshot.warnings {
        eprintln!("warning: {w}");
    }
    Ok(snapshot)
}

fn plan(args: PlanArgs) -> anyhow::Result<ExitCode> {
    let (_guard, dir, source) = if args.live {
        let (guard, dir) = live_snapshot(&args.aws, args.snapshot_out.as_deref())?;
        (guard, dir, "live".to_owned())
    } else {
        let dir = args
            .snapshot
            .clone()
            .context("a snapshot directory or --live")?;
        let source = format!("snapshot {}", dir.display());
        (None, dir, source)
    };
    let snapshot = load_snapshot(&dir)?;
    let extras = Extras::load(&dir)?;
    let controls: Vec<String> = if args.controls.is_empty() {
        DEFAULT_CONTROLS.iter().map(|c| c.to_string()).collect()
    } else {
        args.controls.iter().map(|c| c.trim().to_owned()).collect()
    };
    let mode = match args.mode {
        ModeArg::Revoke => Mode::Revoke,
        ModeArg::Narrow => Mode::Narrow,
    };
    let counting = match args.quota_counting {
        CountingArg::PerFamily => RuleCounting::PerFamily,
        CountingArg::Combined => RuleCounting::Combined,
    };
    let quotas = SgQuotas::new(args.sg_rules_quota, args.sg_per_interface_quota, counting)
        .context("--sg-rules-quota / --sg-per-interface-quota")?;
    let request = PlanRequest {
        snapshot: &snapshot,
        extras: &extras,
        controls: &controls,
        mode,
        source,
    };
    let plan = build_plan_with_quotas(&request, &quotas)?;
    let json = serde_json::to_string_pretty(&plan)?;
    if let Some(out) = &args.out {
        std::fs::write(out, format!("{json}\n"))
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("plan written to {}", out.display());
    }
    match args.format {
        TextOrJson::Text => crate::out!("{}", plan.render_text())?,
        TextOrJson::Json => crate::outln!("{json}")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let plan: Plan = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a kensa plan", path.display()))?;
    if plan.version != kensa_aws::remediate::plan::PLAN_VERSION {
        bail!(
            "{}: plan version {} is not supported",
            path.display(),
            plan.version
        );
    }
    Ok(plan)
}

fn apply(args: ApplyArgs) -> anyhow::Result<ExitCode> {
    let plan = read_plan(&args.plan)?;
    let opts = ApplyOptions {
        apply: args.apply,
        journal_root: args.journal.journal_dir.clone(),
        now: std::time::SystemTime::now(),
    };
    // Opened first: a store that cannot be opened stops the run before AWS changes.
    let store = if args.apply {
        JournalStore::for_args(&args.store)?
    } else {
        None
    };
    let report = runtime()?.block_on(apply_plan(&args.aws.target(), &plan, &opts))?;
    if let (Some(store), Some(id)) = (&store, &report.journal_id) {
        store.record_apply(&args.journal.journal_dir, id)?;
    }
    match args.format {
        TextOrJson::Text => {
            if !args.apply {
                crate::outln!("dry run: nothing was changed (add --apply to change AWS)")?;
            }
            crate::out!("{}", report.render_text())?;
            if let Some(id) = &report.journal_id {
                crate::outln!(
                    "to undo: kensa remediate rollback {id} --journal-dir {}",
                    args.journal.journal_dir.display()
                )?;
            }
        }
        TextOrJson::Json => crate::outln!("{}", serde_json::to_string_pretty(&report)?)?,
    }
    Ok(if report.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn roll_back(args: RollbackArgs) -> anyhow::Result<ExitCode> {
    let store = JournalStore::for_args(&args.store)?;
    if let Some(store) = &store {
        store.claim_rollback(&args.journal.journal_dir, &args.journal_id)?;
    }
    let result = runtime()?.block_on(rollback(
        &args.aws.target(),
        &args.journal.journal_dir,
        &args.journal_id,
    ));
    if let Some(store) = &store {
        let error = result
            .as_ref()
            .err()
            .map(|e| format!("rollback did not run: {e}"));
        store.finish_rollback(&args.journal_id, result.as_ref().ok(), error.as_deref())?;
    }
    let report = result?;
    match args.format {
        TextOrJson::Text => crate::out!("{}", report.render_text())?,
        TextOrJson::Json => crate::outln!("{}", serde_json::to_string_pretty(&report)?)?,
    }
    Ok(if report.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn iam_policy(args: IamArgs) -> anyhow::Result<ExitCode> {
    let policy = match &args.plan {
        Some(p) => iam::policy_for(&read_plan(p)?),
        None => iam::policy_for_everything(),
    };
    crate::outln!("{}", serde_json::to_string_pretty(&policy)?)?;
    Ok(ExitCode::SUCCESS)
}

/// Where the remediation to approve is kept: the store (`kensa watch --store`), else the
/// watcher's state file.
enum Kept {
    Store(String),
    File(kensa_watch::remediation::RemediationLog),
}

fn approve(args: ApproveArgs) -> anyhow::Result<ExitCode> {
    use kensa_watch::remediation::{now_secs, RemediationState};
    let store = JournalStore::for_args(&args.store)?;
    let stored = match &store {
        Some(s) => s.call(|s| s.watch_remediation(&args.id))?,
        None => None,
    };
    let (mut kept, mut rem) = match stored {
        Some(row) => (
            Kept::Store(row.source.clone()),
            super::watch_book::from_stored(&row)?,
        ),
        None => {
            let (log, rem) = super::watch_remediate::find(&args.state_dir, &args.id)?;
            (Kept::File(log), rem)
        }
    };
    if rem.state != RemediationState::Pending {
        bail!(
            "remediation {} is {:?}, not awaiting approval; nothing was changed",
            rem.id,
            rem.state
        );
    }
    let plan: Plan =
        serde_json::from_value(rem.plan.clone().context("the remediation has no plan")?)
            .context("the remediation's plan cannot be read")?;
    rem.state = RemediationState::Applying;
    rem.by = "approve".into();
    rem.at = now_secs();
    rem.alerted = false;
    match &mut kept {
        Kept::File(log) => log.put(&rem)?,
        Kept::Store(source) => {
            let row = super::watch_book::stored(&rem, source);
            let store = store.as_ref().context("the store is open")?;
            if !store.call(|s| s.transition_watch_remediation("pending", &row))? {
                bail!(
                    "remediation {} was approved by someone else meanwhile; nothing was changed",
                    rem.id
                );
            }
        }
    }
    let applied = runtime()?.block_on(super::watch_remediate::apply_journaled(
        &args.aws.target(),
        &plan,
        &args.journal.journal_dir,
    ));
    rem.state = if applied.verified {
        RemediationState::Applied
    } else {
        RemediationState::Failed
    };
    rem.journal_id = applied.journal_id.clone();
    rem.report = Some(applied.report.clone());
    rem.verified = Some(applied.verified);
    rem.message = applied.message.clone();
    rem.at = now_secs();
    match &mut kept {
        Kept::File(log) => log.put(&rem)?,
        Kept::Store(source) => {
            let row = super::watch_book::stored(&rem, source);
            let store = store.as_ref().context("the store is open")?;
            store.call(|s| s.put_watch_remediation(source, &row))?;
        }
    }
    if let (Some(store), Some(id)) = (&store, &applied.journal_id) {
        store.record_apply(&args.journal.journal_dir, id)?;
    }
    match args.format {
        TextOrJson::Text => {
            crate::outln!("remediation {}: {}", rem.id, rem.message)?;
            if let Some(id) = &applied.journal_id {
                crate::outln!(
                    "to undo: kensa remediate rollback {id} --journal-dir {}",
                    args.journal.journal_dir.display()
                )?;
            }
        }
        TextOrJson::Json => crate::outln!("{}", serde_json::to_string_pretty(&rem)?)?,
    }
    Ok(if applied.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
