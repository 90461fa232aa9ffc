//! `kensa host`: host rules packages (Security Best Practices, Runtime Behavior Analysis,
//! CIS subset) over a mounted root filesystem or an agent's telemetry file.
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_host::{HostFacts, Outcome, Package, RuleResult, ScanReport};
use kensa_model::Severity;

use super::output::{escape_controls, exit, ColorChoice};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: HostCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum HostCommand {
    /// Evaluate the host rules: PASSED, FAILED (with the file and line or value),
    /// NOT_APPLICABLE, or NOT_EVALUATED (with the reason, e.g. runtime state needed).
    Scan(ScanArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HostFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PackageArg {
    /// Security Best Practices (Inspector's 9 rules).
    Sbp,
    /// Runtime Behavior Analysis (Inspector's 6 rules; listeners need live telemetry).
    Rba,
    /// CIS operating system subset (Amazon Linux 2/2023, Ubuntu 22.04/24.04, Debian 12).
    Cis,
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["root", "telemetry"]))]
pub struct ScanArgs {
    /// A mounted root filesystem (an attached volume, an EBS snapshot, or / itself).
    /// Files only: rules that need runtime state are NOT_EVALUATED.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// A telemetry file written by `kensa-agent collect --out FILE`.
    #[arg(long, value_name = "FILE")]
    pub telemetry: Option<PathBuf>,
    /// Packages to evaluate (repeatable or comma-separated); all when omitted.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub package: Vec<PackageArg>,
    /// Output format; table is coloured in a terminal, plain when piped.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: HostFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when a FAILED rule is at or above this severity
    /// (critical, high, medium, low, informational).
    #[arg(long, value_name = "SEVERITY", value_parser = |s: &str| s.parse::<Severity>())]
    pub fail_on: Option<Severity>,
    /// Exit 0 rather than 3 when something could not be read (the warnings say what).
    #[arg(long)]
    pub allow_incomplete: bool,
    /// When to colour the table: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        HostCommand::Scan(a) => scan(a),
    }
}

fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let facts = match (&args.root, &args.telemetry) {
        (Some(root), _) => HostFacts::from_root(root)?,
        (None, Some(file)) => HostFacts::from_telemetry_file(file)?,
        (None, None) => anyhow::bail!("give --root DIR or --telemetry FILE"),
    };
    let packages: Vec<Package> = args
        .package
        .iter()
        .map(|p| match p {
            PackageArg::Sbp => Package::SecurityBestPractices,
            PackageArg::Rba => Package::RuntimeBehaviorAnalysis,
            PackageArg::Cis => Package::Cis,
        })
        .collect();
    let report = kensa_host::scan(&facts, &packages);
    let to_file = args.output.is_some();
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    let colour = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let written = match args.format {
        HostFormat::Table => table(&report, colour, &mut out),
        HostFormat::Json => serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        HostFormat::Csv => csv(&report, &mut out),
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        r => r.context("writing the report")?,
    }
    for w in &report.warnings {
        eprintln!("warning: {}", escape_controls(w));
    }
    Ok(exit_code(&report, args.fail_on, args.allow_incomplete))
}

fn exit_code(report: &ScanReport, fail_on: Option<Severity>, allow_incomplete: bool) -> ExitCode {
    let failing = fail_on.is_some_and(|min| {
        report.results.iter().any(|r| {
            matches!(r.outcome, Outcome::Failed { .. })
                && r.severity.parse::<Severity>().is_ok_and(|s| s >= min)
        })
    });
    if failing {
        ExitCode::from(exit::FINDINGS)
    } else if !report.warnings.is_empty() && !allow_incomplete {
        eprintln!(
            "error: {} item(s) could not be read (exit status 3; --allow-incomplete accepts it)",
            report.warnings.len()
        );
        ExitCode::from(exit::INCOMPLETE)
    } else {
        ExitCode::SUCCESS
    }
}

fn source_line(report: &ScanReport) -> String {
    let origin = match &report.origin {
        kensa_host::Origin::Root { path } => format!("root filesystem {path} (no runtime state)"),
        kensa_host::Origin::Telemetry { path, live: true } => format!("telemetry {path} (live)"),
        kensa_host::Origin::Telemetry { path, live: false } => {
            format!("telemetry {path} (collected from a mounted root)")
        }
    };
    let os = report.os.as_deref().unwrap_or("OS unknown");
    format!("{}, {}", escape_controls(&origin), escape_controls(os))
}

fn table(report: &ScanReport, colour: bool, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Host: {}", source_line(report))?;
    let width = |f: fn(&RuleResult) -> usize, title: &str| {
        report
            .results
            .iter()
            .map(f)
            .max()
            .unwrap_or(0)
            .max(title.len())
    };
    let w_rule = width(|r| r.rule.len(), "RULE");
    let w_ctl = width(|r| r.control.len().min(28), "CONTROL");
    writeln!(
        out,
        "{:<14} {:<13} {:<w_rule$} {:<w_ctl$} DETAIL",
        "OUTCOME", "SEVERITY", "RULE", "CONTROL"
    )?;
    for r in &report.results {
        let label = format!("{:<14}", r.outcome.label());
        let label = if colour {
            paint(&r.outcome, &label)
        } else {
            label
        };
        let control: String = r.control.chars().take(28).collect();
        writeln!(
            out,
            "{label} {:<13} {:<w_rule$} {:<w_ctl$} {}",
            r.severity,
            r.rule,
            control,
            escape_controls(&r.outcome.detail())
        )?;
    }
    let counts: Vec<String> = report
        .counts()
        .iter()
        .map(|(l, n)| format!("{n} {}", l.to_lowercase().replace('_', " ")))
        .collect();
    writeln!(out, "{} rules: {}", report.results.len(), counts.join(", "))
}

fn paint(outcome: &Outcome, text: &str) -> String {
    let code = match outcome {
        Outcome::Passed { .. } => "32",
        Outcome::Failed { .. } => "1;31",
        Outcome::NotApplicable { .. } => "2",
        Outcome::NotEvaluated { .. } => "33",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn csv(report: &ScanReport, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    let header = [
        "rule", "package", "control", "title", "severity", "outcome", "detail",
    ];
    w.write_record(header)?;
    for r in &report.results {
        w.write_record([
            r.rule,
            r.package_short(),
            r.control,
            r.title,
            r.severity,
            r.outcome.label(),
            &r.outcome.detail(),
        ])?;
    }
    w.flush()
}
