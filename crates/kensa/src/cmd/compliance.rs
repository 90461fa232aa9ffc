//! `kensa compliance`: run a framework's controls over a snapshot and report per control
//! PASSED / FAILED / NOT_APPLICABLE (or, with `--findings`, the failing findings).
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context as _};
use kensa_model::{FindingStatus, Snapshot, Warning, WarningLevel};
use kensa_report::{render_compliance, RenderOptions, Report};
use kensa_rules::framework::resolve;
use kensa_rules::{assess, fixture, Context, MuteList, NetReachability};

use crate::cmd::output::{exit_status, print_warnings, InputArgs, OutputArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot: a directory of AWS CLI JSON, or one JSON file of AWS CLI documents.
    #[arg(required_unless_present = "demo", conflicts_with = "demo")]
    snapshot: Option<PathBuf>,
    /// Use the built-in demo account instead of a snapshot.
    #[arg(long)]
    demo: bool,
    /// fsbp, cis-aws-3.0, aws-config, or a custom framework YAML file.
    #[arg(long, default_value = "fsbp")]
    framework: String,
    /// Mute list YAML: matching findings are reported as suppressed.
    #[arg(long, value_name = "FILE")]
    mute: Option<PathBuf>,
    /// The date mute expiries are compared with (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Skip the reachability analysis (security group findings then say REACHABLE=unknown).
    #[arg(long)]
    no_reachability: bool,
    /// Report the findings instead of the per-control results. Implied by the formats
    /// that only carry findings (`-f asff`, `ocsf`, `sarif`).
    #[arg(long)]
    findings: bool,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let framework = resolve(&args.framework)?;
    let (snapshot, source) = load(&args)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let today = args.date.clone().unwrap_or_else(|| date_of(now));
    if !kensa_rules::mute::is_date(&today) {
        bail!("--date {today}: expected YYYY-MM-DD");
    }
    let mut completeness = snapshot.completeness.clone();
    let mut warnings: Vec<Warning> = snapshot.warnings.clone();
    // Only the Internet-exposed groups of the analysis are kept: the engine's caches and
    // per-interface results (most of the analysis's memory on a large account) are freed
    // before the rules run, so the assessment's memory follows the snapshot and findings.
    let reach = (!args.no_reachability).then(|| {
        let analysis = kensa_net::analyze(&snapshot);
        let later = analysis.warnings();
        completeness.absorb(&later);
        warnings.extend(later);
        warnings.sort();
        warnings.dedup();
        NetReachability::new(&analysis)
    });
    let mut ctx = Context::new(&snapshot);
    if let Some(reach) = &reach {
        ctx = ctx.with_reachability(reach);
    }
    let mut assessment = assess(&ctx, &framework);
    let stamp = timestamp(now);
    for f in assessment.findings_mut() {
        f.first_seen = Some(stamp.clone());
        f.last_seen = Some(stamp.clone());
    }
    if let Some(path) = &args.mute {
        let mutes = MuteList::load(path)?;
        let summary = mutes.apply(assessment.findings_mut(), &today);
        for i in summary.expired {
            warnings.push(mute_warning(path, i, "expired; it muted nothing"));
        }
        for i in summary.unused {
            warnings.push(mute_warning(path, i, "matched no finding"));
        }
    }
    let findings = assessment.findings();
    let report = Report::new(findings, warnings).with_completeness(completeness.clone());
    if args.findings {
        return args.output.emit_snapshot(report, &args.input);
    }
    if finding_only(args.output.format) {
        // ASFF, OCSF and SARIF carry findings, not per-control results.
        eprintln!(
            "note: -f {} reports findings, not controls: printing the findings (as with --findings)",
            args.output.format
        );
        return args.output.emit_snapshot(report, &args.input);
    }
    let shown: Vec<Warning> = report
        .warnings
        .iter()
        .filter(|w| w.level != WarningLevel::Info)
        .cloned()
        .collect();
    print_warnings(&shown);
    let mut compliance = assessment.report(&framework, &source, &today);
    compliance.apply_completeness(&completeness, |rule_id| {
        kensa_rules::find_rule(rule_id).map(|r| r.resource_type())
    });
    let options = RenderOptions {
        color: args.output.output.is_none()
            && io::IsTerminal::is_terminal(&io::stdout())
            && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut out = args.output.writer()?;
    render_compliance(args.output.format, &compliance, options, &mut out)
        .map_err(|e| anyhow::Error::new(e).context(args.output.destination()))?;
    out.flush().with_context(|| args.output.destination())?;
    let failed = args.output.fails(&report);
    debug_assert!(report
        .findings
        .iter()
        .all(|f| f.status != FindingStatus::Resolved));
    Ok(exit_status(
        failed,
        Some(&completeness),
        args.input.allow_incomplete,
    ))
}

/// Formats that can only carry findings, not the per-control table.
fn finding_only(format: kensa_report::Format) -> bool {
    !format.renders_compliance()
}

fn mute_warning(path: &Path, index: usize, message: &str) -> Warning {
    Warning::warning(
        path.display().to_string(),
        format!("mutes[{index}]"),
        message,
    )
}

fn load(args: &Args) -> anyhow::Result<(Snapshot, String)> {
    if args.demo {
        return Ok((kensa_model::demo::snapshot(), "demo".into()));
    }
    let Some(path) = &args.snapshot else {
        bail!("give a snapshot or --demo")
    };
    let source = path.display().to_string();
    if path.is_dir() {
        return Ok((
            Snapshot::load_with(path, &args.input.load_options())?,
            source,
        ));
    }
    let text = kensa_model::load::read_limited(path, args.input.max_file_size)
        .with_context(|| format!("cannot read {source}"))?;
    Ok((fixture::snapshot(&source, &text)?, source))
}

/// `YYYY-MM-DD` of a Unix time (UTC).
fn date_of(secs: u64) -> String {
    let (y, m, d) = kensa_store::clock::civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// RFC 3339 UTC timestamp of a Unix time.
pub(crate) fn timestamp(secs: u64) -> String {
    let rem = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date_of(secs),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(timestamp(1_795_446_000), "2026-11-23T15:00:00Z");
        assert_eq!(date_of(951_782_400), "2000-02-29");
    }
}
