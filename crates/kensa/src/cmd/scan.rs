//! `kensa scan`: network reachability findings for a snapshot (or the bundled demo).
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_model::Snapshot;
use kensa_report::Report;

use super::output::OutputArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot directory (`aws_configs/<region>/*.json`, AWS CLI describe-* output).
    #[arg(required_unless_present = "demo", conflicts_with = "demo")]
    pub snapshot: Option<PathBuf>,
    /// Scan the bundled demo account instead of a directory.
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The snapshot named on the command line, or the demo.
pub fn load(snapshot: Option<&PathBuf>, demo: bool) -> anyhow::Result<Snapshot> {
    match (snapshot, demo) {
        (_, true) => Ok(kensa_model::demo::snapshot()),
        (Some(dir), false) => {
            Snapshot::load(dir).with_context(|| format!("cannot load snapshot {}", dir.display()))
        }
        (None, false) => anyhow::bail!("give a snapshot directory or --demo"),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let snap = load(args.snapshot.as_ref(), args.demo)?;
    let analysis = kensa_net::analyze(&snap);
    let findings = kensa_net::findings::findings(&analysis);
    let mut warnings = snap.warnings.clone();
    warnings.extend(analysis.warnings());
    warnings.sort();
    warnings.dedup();
    args.output.emit(Report::new(findings, warnings))
}
