//! `kensa scope`: a Network Access Analyzer scope (JSON) answered exactly over a
//! snapshot; every matching path is a finding.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_model::finding::Severity;
use kensa_net::scope::{evaluate, findings, parse_scope, FindingOptions, Limits};
use kensa_report::Report;

use super::output::{InputArgs, OutputArgs};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The scope is the JSON of `aws ec2 create-network-insights-access-scope \
--cli-input-json` ({\"MatchPaths\": [...], \"ExcludePaths\": [...]}) or the output of \
`get-network-insights-access-scope-content`. Sources and destinations: instance, ENI, \
subnet, VPC, security group, igw-, vgw-, pcx- and tgw- ids, resource types, or kensa's \
`\"kensa:Tags\": {\"key\": \"value\"}` in a ResourceStatement. Examples in examples/scopes/."
)]
pub struct Args {
    /// The scope file (JSON).
    pub scope: PathBuf,
    /// Snapshot directory (`aws_configs/<region>/*.json`).
    #[arg(conflicts_with = "demo")]
    pub snapshot: Option<PathBuf>,
    /// Answer the scope over the bundled demo account.
    #[arg(long)]
    pub demo: bool,
    /// Severity of a match (an indeterminate one is Medium at most).
    #[arg(long, default_value = "medium", value_parser = |s: &str| s.parse::<Severity>())]
    pub severity: Severity,
    /// ENI pairs one statement may examine before kensa asks to narrow it.
    #[arg(long, default_value_t = Limits::default().max_pairs)]
    pub max_pairs: u64,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.scope)
        .with_context(|| format!("cannot read scope {}", args.scope.display()))?;
    let spec = parse_scope(&text).with_context(|| format!("scope {}", args.scope.display()))?;
    let snap = super::scan::load_with(
        args.snapshot.as_ref(),
        args.demo,
        &args.input.load_options(),
    )?;
    let analysis = kensa_net::analyze(&snap);
    let limits = Limits {
        max_pairs: args.max_pairs,
    };
    let matches = evaluate(&analysis, &spec, limits)
        .with_context(|| format!("scope {}", args.scope.display()))?;
    let name = args
        .scope
        .file_stem()
        .map_or_else(|| "scope".to_string(), |s| s.to_string_lossy().into_owned());
    let options = FindingOptions {
        scope: name,
        severity: args.severity,
    };
    let found = findings(&analysis, &matches, &options);
    let later = analysis.warnings();
    let mut completeness = snap.completeness.clone();
    completeness.absorb(&later);
    let mut warnings = snap.warnings.clone();
    warnings.extend(later);
    warnings.sort();
    warnings.dedup();
    let report = Report::new(found, warnings).with_completeness(completeness);
    args.output.emit_snapshot(report, &args.input)
}
