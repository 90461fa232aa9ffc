//! `kensa report`: an assessment report (executive summary, findings with every affected
//! resource and network path drawings, instances, exclusions, passed rules) as one HTML
//! file or a PDF, for a stored run (`--run`), a snapshot scanned on the spot, or a saved
//! report document.
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context as _};
use kensa_report::assessment::scan::{from_snapshot, ScanOptions};
use kensa_report::assessment::{render_assessment, AssessmentReport, ReportFormat, ReportType};
use kensa_rules::framework::resolve;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One self-contained HTML file (inline CSS and SVG), printable.
    Html,
    /// A PDF written by kensa itself (no browser needed); its text is searchable.
    Pdf,
    /// The report's data as JSON (what `--input` reads back).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Summary, every finding with all affected resources, instances, exclusions.
    Findings,
    /// The same plus the rules that passed on every resource they evaluated.
    Full,
}

/// Writes the assessment report of a stored run (`--run ID`), or scans SNAPSHOT_DIR (or
/// the demo account) with the network-reachability and config packages and reports that.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kensa report --run 3 -f pdf -o run-3.pdf\n  kensa report --demo -f html -o report.html\n  kensa report examples/demo -f pdf --type full -o report.pdf"
)]
pub struct Args {
    /// Snapshot directory (`aws_configs/<region>/*.json`).
    #[arg(conflicts_with_all = ["demo", "input", "run"])]
    snapshot: Option<PathBuf>,
    /// Report on the bundled demo account.
    #[arg(long, conflicts_with_all = ["input", "run"])]
    demo: bool,
    /// Render a report document saved with `--format json` instead of scanning.
    #[arg(long, value_name = "FILE", conflicts_with = "run")]
    input: Option<PathBuf>,
    /// Report on a stored run (see `kensa run list`): its states, template, target, the
    /// findings it saw (suppressed ones marked) and its exclusions.
    #[arg(long, value_name = "RUN_ID", conflicts_with_all = ["framework", "attributes", "name"])]
    run: Option<i64>,
    #[command(flatten)]
    store: super::store_common::StoreArgs,
    /// html, pdf, or json (the report's data).
    #[arg(long, short = 'f', value_enum, default_value = "html")]
    format: Format,
    /// findings, or full (adds the rules that passed everywhere).
    #[arg(long = "type", value_enum, default_value = "findings")]
    kind: Kind,
    /// Write to FILE instead of standard output (required for a PDF on a terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// The configuration framework of the config package (fsbp, the default; cis-aws-3.0,
    /// aws-config, or a YAML file). Not with --run: the run's template names it.
    #[arg(long)]
    framework: Option<String>,
    /// A user attribute added to every finding (KEY=VALUE; up to 10).
    #[arg(long = "attribute", value_name = "KEY=VALUE", value_parser = parse_attribute)]
    attributes: Vec<(String, String)>,
    /// The run's name in the report (default: the snapshot's name).
    #[arg(long)]
    name: Option<String>,
}

fn parse_attribute(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}`: expected KEY=VALUE")),
    }
}

fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    super::compliance::timestamp(secs)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.attributes.len() > 10 {
        bail!(
            "{} --attribute options given; a report takes at most 10 user attributes",
            args.attributes.len()
        );
    }
    let report = build(&args)?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None if args.format == Format::Pdf && io::stdout().is_terminal() => {
            bail!("a PDF is not written to a terminal: give -o FILE (or redirect the output)")
        }
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let kind = match args.kind {
        Kind::Findings => ReportType::Findings,
        Kind::Full => ReportType::Full,
    };
    match args.format {
        Format::Html => render_assessment(&report, ReportFormat::Html, kind, &mut out)?,
        Format::Pdf => render_assessment(&report, ReportFormat::Pdf, kind, &mut out)?,
        Format::Json => serde_json::to_writer_pretty(&mut out, &report)?,
    }
    out.flush().context("cannot write the report")?;
    Ok(ExitCode::SUCCESS)
}

fn build(args: &Args) -> anyhow::Result<AssessmentReport> {
    if let Some(path) = &args.input {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return serde_json::from_str(&text)
            .with_context(|| format!("{} is not a kensa report document", path.display()));
    }
    if let Some(run) = args.run {
        let db = super::store_common::Db::open(&args.store)?;
        let run = db.call(db.store.run(run))?;
        let snapshot = run
            .snapshot
            .as_ref()
            .and_then(kensa_assess::report::reread_snapshot);
        return Ok(db.call(kensa_assess::report::from_run(
            &db.store,
            &run,
            snapshot.as_ref(),
            now(),
        ))?);
    }
    if args.snapshot.is_none() && !args.demo {
        bail!("give --run RUN_ID, a snapshot directory, --demo, or --input FILE");
    }
    let snapshot = super::scan::load(args.snapshot.as_ref(), args.demo)?;
    let source = match &args.snapshot {
        Some(dir) => dir.display().to_string(),
        None => "demo".to_string(),
    };
    let started = now();
    let opts = ScanOptions {
        run_id: format!("scan-{}", started.replace([':', '-'], "")),
        run_name: args
            .name
            .clone()
            .unwrap_or_else(|| format!("Scan of {source}")),
        source,
        framework: resolve(args.framework.as_deref().unwrap_or("fsbp"))?,
        user_attributes: args.attributes.iter().cloned().collect::<BTreeMap<_, _>>(),
        clock: now,
    };
    Ok(from_snapshot(&snapshot, &opts))
}
