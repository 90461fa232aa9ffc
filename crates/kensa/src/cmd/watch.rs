//! `kensa watch`: CloudTrail change events applied to a snapshot's network model, each
//! exposure that opens or closes alerted with the event, the actor and the path.
//!
//! Offline replay of CloudTrail files (`--events`), or live from a trail bucket or a
//! queue (`--s3`, `--sqs`: [`super::watch_live`], with the default `aws` feature).
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use kensa_model::Severity;
use kensa_report::stream::{Sink, StreamFormat};
use kensa_watch::read::{read_file, replay_order};
use kensa_watch::{ChangeEvent, WatchRecord, Watcher};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot directory (as for `kensa scan`): the network state before the events.
    #[arg(long, value_name = "DIR")]
    pub snapshot: PathBuf,
    /// CloudTrail files (delivery `.json`/`.json.gz`, JSON arrays, JSON lines) or
    /// directories of them, searched recursively. Events are replayed in time order.
    #[arg(long = "events", short = 'e', value_name = "FILE")]
    pub events: Vec<PathBuf>,
    #[cfg(feature = "aws")]
    #[command(flatten)]
    pub live: super::watch_live::LiveArgs,
    /// Alert format on stdout (or --output): text is one line per alert, json one JSON
    /// object per alert per line (`kind`: `exposure` or `redescribe`).
    #[arg(long, short = 'f', default_value = "text", value_parser = super::output::stream_format_parser())]
    pub format: StreamFormat,
    /// Write alerts to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 if an exposure at or above this severity opened (e.g. high).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// With a live source: keep the watcher's session, its remediations (approved in
    /// `kensa serve` or with `kensa remediate approve --store`) and its alerts in this
    /// store instead of the files of --state-dir (whose event journal stays). Also
    /// $KENSA_STORE.
    #[command(flatten)]
    pub store: super::store_common::StoreArgs,
    /// Print the time each event took (apply, recompute, alert) as a distribution on
    /// stderr: the processing part of event -> alert latency.
    #[arg(long)]
    pub latency: bool,
    /// Instead of files, N synthetic events against the snapshot (SSH opened on a group
    /// in use, then closed), for measuring with --latency. A development tool.
    #[arg(long, value_name = "N", hide = true, conflicts_with = "events")]
    pub synthetic_events: Option<usize>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let snap = kensa_model::Snapshot::load(&args.snapshot)
        .with_context(|| format!("cannot load snapshot {}", args.snapshot.display()))?;
    let watcher = Watcher::new(snap);
    eprintln!(
        "model: {} interface(s) analysed in {:.2}s",
        watcher.exposures().len(),
        started.elapsed().as_secs_f64()
    );
    let sink = sink(&args)?;
    #[cfg(feature = "aws")]
    if args.live.url().is_some() {
        let start = super::watch_live::Start {
            watcher,
            snapshot: &args.snapshot,
            store: args
                .store
                .store
                .as_deref()
                .map(kensa_store::Location::parse),
        };
        return super::watch_live::run(start, &args.live, sink, args.fail_on);
    }
    if args.events.is_empty() && args.synthetic_events.is_none() {
        anyhow::bail!("give CloudTrail files with --events (or a live source: --s3, --sqs)");
    }
    replay(watcher, &args, sink)
}

/// Replays the files of `--events` in time order.
fn replay(
    mut watcher: Watcher,
    args: &Args,
    mut sink: Box<dyn Sink<WatchRecord>>,
) -> anyhow::Result<ExitCode> {
    let (mut events, unreadable) = match args.synthetic_events {
        Some(n) => (kensa_watch::synth::ssh_churn(watcher.snapshot(), n), 0),
        None => read_events(&args.events)?,
    };
    replay_order(&mut events);
    let mut worst: Option<Severity> = None;
    let mut timings = Vec::with_capacity(events.len());
    for ev in &events {
        let t = Instant::now();
        let records = watcher.process(ev);
        timings.push(t.elapsed());
        for r in &records {
            if let WatchRecord::Exposure(a) = r {
                if a.change == "opened" {
                    worst = worst.max(Some(a.severity));
                }
            }
            sink.emit(r).context("cannot write alert")?;
        }
    }
    sink.flush().context("cannot write alerts")?;
    let s = watcher.stats();
    eprintln!(
        "{} event(s): {} applied, {} re-describe, {} failed call(s), {} not network; \
         {} alert(s), {} interface(s) recomputed; {} unreadable record(s)",
        s.events,
        s.applied,
        s.redescribe,
        s.failed_calls,
        s.not_network,
        s.alerts,
        s.interfaces_recomputed,
        unreadable
    );
    if args.latency {
        print_latency(&mut timings);
    }
    if matches!((args.fail_on, worst), (Some(t), Some(w)) if w >= t) {
        return Ok(ExitCode::from(1));
    }
    Ok(if unreadable > 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn sink(args: &Args) -> anyhow::Result<Box<dyn Sink<WatchRecord>>> {
    let out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    Ok(args.format.sink(out))
}

/// Every event of the files and directories; unreadable records are reported on stderr
/// and counted, the rest replayed.
fn read_events(paths: &[PathBuf]) -> anyhow::Result<(Vec<ChangeEvent>, usize)> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p).sort_by_file_name() {
                let e = e.with_context(|| format!("cannot read {}", p.display()))?;
                if e.file_type().is_file() && is_log(e.path()) {
                    files.push(e.into_path());
                }
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut events = Vec::new();
    let mut unreadable = 0;
    for f in files {
        let (evs, errors) = read_file(&f)?;
        for e in &errors {
            eprintln!("warning: {e}; skipped");
        }
        unreadable += errors.len();
        events.extend(evs);
    }
    Ok((events, unreadable))
}

fn is_log(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // CloudTrail digest files describe log files; they hold no events.
    !name.contains("CloudTrail-Digest")
        && [".json", ".json.gz", ".jsonl", ".ndjson"]
            .iter()
            .any(|s| name.ends_with(s))
}

fn print_latency(t: &mut [Duration]) {
    if t.is_empty() {
        return;
    }
    t.sort();
    let at = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    eprintln!(
        "per-event processing (apply + recompute + alert): p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms over {} event(s)",
        at(0.5),
        at(0.95),
        at(1.0),
        t.len()
    );
}
