//! `kensa scan`: network reachability findings for a snapshot, the bundled demo, or a
//! live collection (`--live`).
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_model::Snapshot;
use kensa_report::Report;

use super::output::OutputArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot directory (`aws_configs/<region>/*.json`, AWS CLI describe-* output).
    #[arg(conflicts_with = "demo")]
    pub snapshot: Option<PathBuf>,
    /// Scan the bundled demo account instead of a directory.
    #[arg(long)]
    pub demo: bool,
    #[cfg(feature = "aws")]
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--live`: collect from AWS first (the options of `kensa collect`), then scan.
#[cfg(feature = "aws")]
#[derive(Debug, clap::Args)]
pub struct LiveArgs {
    /// Collect a live snapshot from AWS (as `kensa collect` does), then scan it.
    #[arg(long, conflicts_with_all = ["demo", "snapshot"])]
    pub live: bool,
    #[command(flatten)]
    pub aws: super::collect::AwsArgs,
    /// With --live: keep the collected snapshot in DIR (default: a temporary directory).
    #[arg(long, value_name = "DIR", requires = "live")]
    pub snapshot_out: Option<PathBuf>,
}

/// The snapshot named on the command line, or the demo.
pub fn load(snapshot: Option<&PathBuf>, demo: bool) -> anyhow::Result<Snapshot> {
    match (snapshot, demo) {
        (_, true) => Ok(kensa_model::demo::snapshot()),
        (Some(dir), false) => {
            Snapshot::load(dir).with_context(|| format!("cannot load snapshot {}", dir.display()))
        }
        (None, false) => anyhow::bail!("give a snapshot directory, --demo or --live"),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    #[cfg(feature = "aws")]
    if args.live.live {
        let (_guard, dir) =
            super::collect::live_snapshot(&args.live.aws, args.live.snapshot_out.as_deref())?;
        return scan(load(Some(&dir), false)?, &args.output);
    }
    scan(load(args.snapshot.as_ref(), args.demo)?, &args.output)
}

fn scan(snap: Snapshot, output: &OutputArgs) -> anyhow::Result<ExitCode> {
    let analysis = kensa_net::analyze(&snap);
    let findings = kensa_net::findings::findings(&analysis);
    let mut warnings = snap.warnings.clone();
    warnings.extend(analysis.warnings());
    warnings.sort();
    warnings.dedup();
    output.emit(Report::new(findings, warnings))
}
