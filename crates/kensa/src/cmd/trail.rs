//! `kensa trail`: CloudTrail detection with Falco-format rules.
//!
//! Subcommands share [`RulesArgs`] (which rules) and [`AlertArgs`] (how alerts print);
//! a new subcommand is one variant of [`TrailCommand`] and one arm in [`run`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};

use super::output::exit;
use indicatif::{ProgressBar, ProgressStyle};
use kensa_trail::{
    load_rule_sources, load_rules, Alert, Diagnostic, Engine, Level, Priority, Sink, Stats,
    StreamFormat,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: TrailCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TrailCommand {
    /// Check rule files: print every error and warning as `file:line: level: item: message`
    /// (exit 2 if there are errors).
    Check(CheckArgs),
    /// Evaluate rules over CloudTrail files (delivery `.json`/`.json.gz`, JSON arrays, NDJSON,
    /// Logstash/Elasticsearch exports, EventBridge events, CloudTrail Lake query results;
    /// digest files are skipped); directories are searched recursively. Alerts go to stdout.
    Replay(ReplayArgs),
    /// Measure evaluation speed on one core: a synthetic realistic event mix generated in
    /// memory (as `kensa synth trail`), evaluated after decompression.
    /// A development tool: hidden from `--help`.
    #[command(hide = true)]
    Bench(BenchArgs),
    /// Watch live CloudTrail: poll an S3 trail bucket or long-poll an SQS queue, alert
    /// once per event across restarts (needs the `aws` feature).
    #[cfg(feature = "aws")]
    Watch(crate::cmd::trail_watch::Args),
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        TrailCommand::Check(a) => check(a),
        TrailCommand::Replay(a) => replay(a),
        TrailCommand::Bench(a) => bench(a),
        #[cfg(feature = "aws")]
        TrailCommand::Watch(a) => crate::cmd::trail_watch::run(a),
    }
}

/// Which rules to load.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArgs {
    /// Rule files in Falco's format, loaded in order (later ones append to or override
    /// earlier ones). Default: the rules bundled with kensa.
    #[arg(long = "rules", short = 'r', value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

impl RulesArgs {
    /// Loads the rules, printing warnings to stderr; fails on errors.
    pub fn engine(&self) -> anyhow::Result<Engine> {
        let (set, diags) = if self.rules.is_empty() {
            let bundled = kensa_trail::bundled_rules();
            if bundled.is_empty() {
                bail!("no rules given and none bundled in this build: pass --rules FILE");
            }
            load_rule_sources(&bundled)
        } else {
            load_rules(&self.rules)
        };
        print_diagnostics(&diags);
        let errors = diags.iter().filter(|d| d.level == Level::Error).count();
        if errors > 0 {
            bail!("{errors} error(s) in the rules (see above); fix them or check with `kensa trail check`");
        }
        if set.enabled_count() == 0 {
            bail!("no enabled rules for source {}", kensa_trail::SOURCE);
        }
        Ok(Engine::new(set))
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

/// What `ec2.creds.outside` judges instance-credential use against.
#[derive(Debug, Clone, clap::Args)]
pub struct OriginArgs {
    /// Snapshot directory (as for `kensa scan`): an instance's credentials are then
    /// expected only from that instance's own addresses (and its VPC's NAT gateways).
    #[arg(long, value_name = "DIR")]
    pub snapshot: Option<PathBuf>,
    /// AWS's ip-ranges.json (plain or .gz) instead of the copy bundled with kensa, for
    /// instances the snapshot does not hold (or without --snapshot).
    #[arg(long, value_name = "FILE")]
    pub aws_ip_ranges: Option<PathBuf>,
}

impl OriginArgs {
    /// The engine, judging instance credentials with this snapshot and these ranges.
    pub fn apply(&self, engine: Engine) -> anyhow::Result<Engine> {
        if self.snapshot.is_none() && self.aws_ip_ranges.is_none() {
            return Ok(engine);
        }
        let mut origin = kensa_trail::CredentialOrigin::default();
        if let Some(path) = &self.aws_ip_ranges {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            origin.ranges = kensa_trail::AwsRanges::from_json(&bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        }
        if let Some(dir) = &self.snapshot {
            let snap = kensa_model::Snapshot::load(dir)
                .with_context(|| format!("cannot load snapshot {}", dir.display()))?;
            let addresses = kensa_trail::InstanceAddresses::from_snapshot(&snap);
            eprintln!(
                "{} instance(s) from {} for instance-credential checks",
                addresses.len(),
                dir.display()
            );
            origin.instances = Some(addresses);
        }
        Ok(engine.with_credential_origin(origin))
    }
}

/// How alerts are printed.
#[derive(Debug, Clone, clap::Args)]
pub struct AlertArgs {
    /// Alert format on stdout (or --output): text is Falco's line
    /// (`<time>: <Priority> <output>`), json one JSON object per alert per line.
    #[arg(long, short = 'f', default_value = "text", value_parser = super::output::stream_format_parser())]
    pub format: StreamFormat,
    /// Write alerts to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 if an alert at or above this priority fired (e.g. warning, critical).
    #[arg(long, value_name = "PRIORITY", value_parser = parse_priority)]
    pub fail_on: Option<Priority>,
}

fn parse_priority(s: &str) -> Result<Priority, String> {
    Priority::parse(s).ok_or_else(|| format!("unknown priority '{s}'"))
}

impl AlertArgs {
    pub fn sink(&self) -> anyhow::Result<Box<dyn Sink<Alert>>> {
        let out: Box<dyn Write> = match &self.output {
            Some(p) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(p)
                    .with_context(|| format!("cannot create {}", p.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout())),
        };
        Ok(self.format.sink(out))
    }
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Rule files, loaded in order as `replay --rules` would.
    #[arg(required = true, value_name = "RULES")]
    pub files: Vec<PathBuf>,
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let (set, diags) = load_rules(&args.files);
    print_diagnostics(&diags);
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.len() - errors;
    eprintln!(
        "{} rule(s) loaded ({} enabled), {errors} error(s), {warnings} warning(s)",
        set.rules().len(),
        set.enabled_count()
    );
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub alerts: AlertArgs,
    #[command(flatten)]
    pub origin: OriginArgs,
    /// Also store every alert (once per event and rule) in this store; by default the
    /// store in use: KENSA_STORE, or the default store file when it exists.
    #[command(flatten)]
    pub store: super::store_common::StoreArgs,
    /// Don't draw a progress bar (counters are still printed at the end).
    #[arg(long)]
    pub no_progress: bool,
    /// Largest record accepted, in bytes (CloudTrail's own maximum is 256 KB); a larger
    /// one is an error and the rest of its file is skipped.
    #[arg(long, value_name = "BYTES", default_value_t = kensa_trail::Limits::default().max_record)]
    pub max_record_bytes: usize,
    /// Most bytes read from one file after decompression; the rest is skipped with an error.
    #[arg(long, value_name = "BYTES", default_value_t = kensa_trail::Limits::default().max_input)]
    pub max_file_bytes: u64,
    /// Exit with status 0 (or 1 for --fail-on) even when some input could not be read:
    /// files unopenable, empty or over the limits, malformed records, a duplicated
    /// `Records` key, or no event at all. The errors are still printed and counted.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// CloudTrail files or directories.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

fn replay(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let engine = args
        .origin
        .apply(args.rules.engine()?.with_limits(kensa_trail::Limits {
            max_record: args.max_record_bytes,
            max_input: args.max_file_bytes,
        }))?;
    let files = input_files(&args.paths)?;
    let total: u64 = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    let bar = progress(total, args.no_progress);
    let mut sink = args.alerts.sink()?;
    let mut stored = super::trail_store::StoreSink::for_args(&args.store)?;
    let mut stats = Stats::default();
    let mut worst: Option<Priority> = None;
    let mut sink_error = None;
    let start = Instant::now();
    for file in &files {
        let origin = file.display().to_string();
        let f = match kensa_trail::open_log(file) {
            Ok(f) => f,
            Err(e) => {
                bar.suspend(|| eprintln!("warning: {origin}: cannot open: {e}"));
                stats.errors += 1;
                continue;
            }
        };
        let s = engine.process_reader(
            f,
            &origin,
            &mut |alert| {
                worst = Some(worst.map_or(alert.priority, |w| w.min(alert.priority)));
                if sink_error.is_none() {
                    let into_store = stored.as_mut().map_or(Ok(()), |s| s.emit(&alert));
                    if let Err(e) = sink.emit(&alert).and(into_store) {
                        sink_error = Some(e);
                    }
                }
            },
            &mut |err| bar.suspend(|| eprintln!("warning: {err}")),
        );
        if let Some(e) = sink_error.take() {
            return Err(e).context("writing alerts");
        }
        stats += s;
        bar.inc(file.metadata().map(|m| m.len()).unwrap_or(0));
        bar.set_message(counters(&stats));
    }
    sink.flush().context("writing alerts")?;
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{} file(s): {} in {secs:.2}s ({:.0} events/s, {:.0} MB/s of JSON)",
        files.len(),
        counters(&stats),
        stats.events as f64 / secs.max(1e-9),
        stats.bytes as f64 / 1e6 / secs.max(1e-9)
    );
    if let Some(stored) = &stored {
        eprintln!("{}", stored.summary());
    }
    let fail = matches!((args.alerts.fail_on, worst), (Some(limit), Some(w)) if w <= limit);
    let mut problems = Vec::new();
    if stats.errors > 0 {
        problems.push(format!("{} input error(s), see above", stats.errors));
    }
    if stats.events == 0 {
        // Like an empty snapshot directory: "0 alerts" on nothing read is no result.
        problems.push("no CloudTrail event was read: nothing was judged".into());
    }
    Ok(trail_status(fail, &problems, args.allow_incomplete))
}

/// Alerts at or above `--fail-on` (1) win over incomplete input (3: input errors, whose
/// events were not judged, or no event at all), which wins over success. Shared by
/// `trail replay` and `trail watch`.
pub(crate) fn trail_status(fail: bool, problems: &[String], allow_incomplete: bool) -> ExitCode {
    let incomplete = !problems.is_empty();
    if incomplete {
        let hint = if allow_incomplete {
            "accepted with --allow-incomplete"
        } else {
            "exit status 3; --allow-incomplete accepts it"
        };
        eprintln!(
            "error: INCOMPLETE input ({}): alerts may be missing ({hint})",
            problems.join("; ")
        );
    }
    if fail {
        ExitCode::from(exit::FINDINGS)
    } else if incomplete && !allow_incomplete {
        ExitCode::from(exit::INCOMPLETE)
    } else {
        ExitCode::SUCCESS
    }
}

fn counters(s: &Stats) -> String {
    let digests = match s.digests {
        0 => String::new(),
        n => format!(", {n} digest file(s) skipped"),
    };
    format!(
        "{} events, {} alerts, {} errors{digests}",
        s.events, s.alerts, s.errors
    )
}

fn progress(total: u64, hidden: bool) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {elapsed} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Files named, and files under directories (recursively, sorted) that look like
/// CloudTrail logs: `.json`, `.json.gz`, `.jsonl`, `.ndjson`, `.gz`.
pub fn input_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file() && looks_like_log(e.path()))
                .map(|e| e.into_path())
                .collect();
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            bail!("{}: no such file or directory", p.display());
        }
    }
    Ok(out)
}

fn looks_like_log(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".json", ".json.gz", ".jsonl", ".ndjson", ".gz"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Events to generate.
    #[arg(long, default_value_t = 200_000)]
    pub events: u64,
    /// Passes over the events.
    #[arg(long, default_value_t = 5)]
    pub passes: u32,
    /// Generator seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also measure gzip decompression plus evaluation.
    #[arg(long)]
    pub gzip: bool,
}

/// Nanoseconds this thread has run on a CPU (Linux `schedstat`), which, unlike wall
/// time, does not count time spent waiting for a busy machine.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn bench(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let engine = args.rules.engine()?;
    let mut data = Vec::new();
    let summary = kensa_trail::synth::write_trail(args.events, args.seed, &mut data)?;
    eprintln!(
        "{} events, {} bytes/event, {} rules enabled",
        summary.events,
        summary.bytes / summary.events.max(1),
        engine.rules().enabled_count()
    );
    let measure = |label: &str, input: &[u8]| {
        let (wall, cpu0) = (Instant::now(), cpu_ns());
        let mut stats = Stats::default();
        for _ in 0..args.passes {
            stats += engine.process(input, "bench", &mut |_| {}, &mut |_| {});
        }
        let secs = wall.elapsed().as_secs_f64();
        let cpu = cpu0.zip(cpu_ns()).map(|(a, b)| (b - a) as f64 / 1e9);
        let rate = |s: f64| stats.events as f64 / s.max(1e-9);
        let cpu_text = cpu.map_or_else(String::new, |c| {
            format!(", {:.0} events/s on-CPU ({c:.2}s)", rate(c))
        });
        crate::outln!(
            "{label}: {} events, {} alerts in {secs:.2}s wall: {:.0} events/s wall{cpu_text}",
            stats.events,
            stats.alerts,
            rate(secs)
        )
    };
    // Calibration: DESIGN.md's reference point, a bare memchr scan for `"eventName":"`,
    // on the same data and the same (possibly busy) core.
    let (wall, cpu0) = (Instant::now(), cpu_ns());
    let mut found = 0usize;
    for _ in 0..args.passes {
        found += memchr::memmem::find_iter(&data, b"\"eventName\":\"").count();
    }
    let cpu = cpu0.zip(cpu_ns()).map(|(a, b)| (b - a) as f64 / 1e9);
    let secs = wall.elapsed().as_secs_f64();
    crate::outln!(
        "baseline memchr scan for eventName: {:.0} events/s wall{}",
        found as f64 / secs.max(1e-9),
        cpu.map_or_else(String::new, |c| format!(
            ", {:.0} events/s on-CPU",
            found as f64 / c.max(1e-9)
        ))
    )?;
    measure("json", &data)?;
    if args.gzip {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data)?;
        let gz = gz.finish()?;
        measure("json.gz", &gz)?;
    }
    Ok(ExitCode::SUCCESS)
}
