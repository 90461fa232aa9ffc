//! `kensa scan`: network reachability findings for a snapshot, the bundled demo, or a
//! live collection (`--live`).
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use kensa_host::reach::ListenerJoin;
use kensa_model::load::LoadOptions;
use kensa_model::{Snapshot, Warning};
use kensa_report::Report;

use super::output::{InputArgs, OutputArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot directory (`aws_configs/<region>/*.json`, AWS CLI describe-* output).
    #[arg(conflicts_with = "demo")]
    pub snapshot: Option<PathBuf>,
    /// Scan the bundled demo account instead of a directory.
    #[arg(long)]
    pub demo: bool,
    /// Host telemetry (`kensa-agent collect --out FILE`): one file, or a directory of
    /// `*.json` files, one per instance. Findings of an instance with listener telemetry
    /// become RecognizedPortWithListener / RecognizedPortNoListener (naming the process)
    /// and UnrecognizedPortWithListener; without it they stay RecognizedPortNoAgent.
    #[arg(long, value_name = "FILE|DIR")]
    pub telemetry: Option<PathBuf>,
    #[cfg(feature = "aws")]
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub input: InputArgs,
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

/// The snapshot named on the command line, or the demo, with the loader's defaults
/// (`KENSA_MAX_FILE_SIZE` read from the environment).
pub fn load(snapshot: Option<&PathBuf>, demo: bool) -> anyhow::Result<Snapshot> {
    let mut options = LoadOptions::default();
    if let Some(limit) = std::env::var("KENSA_MAX_FILE_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        options.max_file_size = limit;
    }
    load_with(snapshot, demo, &options)
}

/// The snapshot named on the command line, or the demo.
pub fn load_with(
    snapshot: Option<&PathBuf>,
    demo: bool,
    options: &LoadOptions,
) -> anyhow::Result<Snapshot> {
    match (snapshot, demo) {
        (_, true) => Ok(kensa_model::demo::snapshot()),
        (Some(dir), false) => Snapshot::load_with(dir, options)
            .with_context(|| format!("cannot load snapshot {}", dir.display())),
        (None, false) => anyhow::bail!("give a snapshot directory, --demo or --live"),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    #[cfg(feature = "aws")]
    if args.live.live {
        let (_guard, dir) =
            super::collect::live_snapshot(&args.live.aws, args.live.snapshot_out.as_deref())?;
        let snap = load_with(Some(&dir), false, &args.input.load_options())?;
        return scan(snap, args.telemetry.as_deref(), &args.input, &args.output);
    }
    let options = args.input.load_options();
    let snap = load_with(args.snapshot.as_ref(), args.demo, &options)?;
    scan(snap, args.telemetry.as_deref(), &args.input, &args.output)
}

fn scan(
    snap: Snapshot,
    telemetry: Option<&Path>,
    input: &InputArgs,
    output: &OutputArgs,
) -> anyhow::Result<ExitCode> {
    let (join, telemetry_warnings) = listener_join(telemetry, &snap)?;
    let analysis = kensa_net::analyze(&snap);
    let later = analysis.warnings();
    let mut completeness = snap.completeness.clone();
    completeness.absorb(&later);
    let mut warnings = snap.warnings.clone();
    warnings.extend(later);
    warnings.extend(telemetry_warnings);
    warnings.sort();
    warnings.dedup();
    // The findings are streamed: a large account has hundreds of thousands of them.
    let tail = Report::new(Vec::new(), warnings).with_completeness(completeness);
    let findings = kensa_net::findings::stream(&analysis).flat_map(|f| join.apply(f));
    output.emit_snapshot_stream(findings, tail, input)
}

/// The telemetry of `--telemetry FILE|DIR` indexed for the network findings; files that
/// are not telemetry, and documents that cannot be joined, are warnings.
pub fn listener_join(
    telemetry: Option<&Path>,
    snap: &Snapshot,
) -> anyhow::Result<(ListenerJoin, Vec<Warning>)> {
    let Some(path) = telemetry else {
        return Ok((ListenerJoin::default(), Vec::new()));
    };
    let (docs, problems) = kensa_host::reach::load_telemetry(path)
        .with_context(|| format!("--telemetry {}", path.display()))?;
    let (join, unjoined) = ListenerJoin::new(docs.iter().map(|(f, d)| (f.clone(), d)), snap);
    let warnings = problems
        .into_iter()
        .chain(unjoined)
        .map(|(file, message)| Warning::warning(file, "", message))
        .collect();
    Ok((join, warnings))
}
