//! `kensa trail watch`: live CloudTrail detection from a trail bucket (`--s3`) or a
//! notification queue (`--sqs`), with alerts on stdout and optionally a webhook and an
//! SNS topic. State (S3 checkpoint, window of alerted events) lives in `--state-dir`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use kensa_aws::trail::{
    EnginePipeline, PassStats, S3Location, S3Watcher, SeenWindow, SnsAlertSink, SnsPublisher,
    SqsWatcher, TrailClients, TrailSourceError,
};
use kensa_trail::{Alert, Priority, Sink, SinkError, WebhookOptions, WebhookSink};

use crate::cmd::trail::{trail_status, AlertArgs, OriginArgs, RulesArgs};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["s3", "sqs"])))]
pub struct Args {
    /// Poll a CloudTrail bucket: s3://bucket[/prefix] (single-account or organisation
    /// trail layout); each new file is evaluated once, even across restarts.
    #[arg(long, value_name = "S3_URL")]
    pub s3: Option<String>,
    /// Long-poll an SQS queue fed by S3 event notifications, CloudTrail's SNS topic or an
    /// EventBridge rule; a message is deleted once its events are evaluated.
    #[arg(long, value_name = "QUEUE_URL")]
    pub sqs: Option<String>,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub alerts: AlertArgs,
    #[command(flatten)]
    pub origin: OriginArgs,
    /// Also store every alert (once per event and rule) in this store; by default the
    /// store in use: KENSA_STORE, or the default store file when it exists.
    #[command(flatten)]
    pub store: crate::cmd::store_common::StoreArgs,
    /// Also POST each alert as JSON to this URL (retried with backoff).
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// Also publish each alert to this SNS topic.
    #[arg(long, value_name = "TOPIC_ARN")]
    pub sns_topic: Option<String>,
    /// Directory for the S3 checkpoint and the window of alerted event IDs.
    #[arg(long, value_name = "DIR", default_value = ".kensa/trail")]
    pub state_dir: PathBuf,
    /// Seconds between two listings of the bucket.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub interval: u64,
    /// One pass over the bucket, or read the queue until it is empty, then exit.
    #[arg(long)]
    pub once: bool,
    /// SQS long-polling wait (0-20 seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub wait_seconds: i32,
    /// How many alerted (event ID, rule) pairs are remembered to suppress duplicates.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub dedup_window: usize,
    /// AWS region (default: from the environment or profile).
    #[arg(long)]
    pub region: Option<String>,
    /// AWS profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint override (VPC endpoints, moto, LocalStack); AWS_ENDPOINT_URL works too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Exit with status 0 (or 1 for --fail-on) even when some input could not be read
    /// (malformed or empty log files, objects or messages that could not be fetched).
    /// The errors are still printed and counted.
    #[arg(long)]
    pub allow_incomplete: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(watch(args))
}

/// Records the most severe priority seen, for `--fail-on`, and passes alerts on.
struct Worst {
    inner: Box<dyn Sink<Alert>>,
    worst: Arc<Mutex<Option<Priority>>>,
}

impl Sink<Alert> for Worst {
    fn emit(&mut self, alert: &Alert) -> Result<(), SinkError> {
        self.inner.emit(alert)?;
        let mut worst = self.worst.lock().unwrap_or_else(|p| p.into_inner());
        *worst = Some(worst.map_or(alert.priority, |w| w.min(alert.priority)));
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        self.inner.flush()
    }
}

enum Source {
    S3(S3Watcher),
    Sqs(SqsWatcher),
}

/// A file-name-safe form of the source URL, so each source has its own state files.
pub(crate) fn state_slug(url: &str) -> String {
    let slug: String = url
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    slug.chars().take(120).collect()
}

async fn watch(args: Args) -> anyhow::Result<ExitCode> {
    let engine = args.origin.apply(args.rules.engine()?)?;
    let clients = TrailClients::load(
        args.region.as_deref(),
        args.profile.as_deref(),
        args.endpoint_url.as_deref(),
    )
    .await;
    let worst = Arc::new(Mutex::new(None));
    let mut sinks: Vec<Box<dyn Sink<Alert>>> = vec![Box::new(Worst {
        inner: args.alerts.sink()?,
        worst: worst.clone(),
    })];
    if let Some(url) = &args.webhook {
        sinks.push(Box::new(WebhookSink::new(
            url.clone(),
            WebhookOptions::default(),
        )));
    }
    if let Some(store) = crate::cmd::trail_store::StoreSink::for_args(&args.store)? {
        eprintln!("alerts are also stored in {}", store.summary_location());
        sinks.push(Box::new(store));
    }
    if let Some(topic) = &args.sns_topic {
        let publisher = SnsPublisher::new(clients.sns.clone(), topic.clone())?;
        sinks.push(Box::new(SnsAlertSink::new(publisher)));
    }
    let url = args
        .s3
        .clone()
        .or(args.sqs.clone())
        .context("give --s3 or --sqs")?;
    let slug = state_slug(&url);
    std::fs::create_dir_all(&args.state_dir)
        .with_context(|| format!("cannot create state directory {}", args.state_dir.display()))?;
    let seen = SeenWindow::load(
        &args.state_dir.join(format!("seen-{slug}.json")),
        args.dedup_window,
    )?;
    let mut pipeline = EnginePipeline::new(engine, sinks, seen);
    let mut source = match &args.s3 {
        Some(s3) => Source::S3(S3Watcher::new(
            clients.s3.clone(),
            S3Location::parse(s3)?,
            args.state_dir.join(format!("checkpoint-{slug}.json")),
        )?),
        None => {
            let mut watcher = SqsWatcher::new(clients.sqs.clone(), clients.s3.clone(), url.clone());
            watcher.wait_seconds = args.wait_seconds;
            Source::Sqs(watcher)
        }
    };

    let stop = Arc::new(AtomicBool::new(false));
    let stop_flag = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop_flag.store(true, Ordering::SeqCst);
        }
    });
    eprintln!(
        "kensa trail watch: {url} (state in {})",
        args.state_dir.display()
    );
    let mut pass = 0u64;
    let mut source_errors = 0u64;
    while !stop.load(Ordering::SeqCst) {
        pass += 1;
        let result = match &mut source {
            Source::S3(w) => w.poll_once(&mut pipeline).await,
            Source::Sqs(w) => w.poll_once(&mut pipeline).await,
        };
        let stats = match result {
            Ok(stats) => stats,
            // Lost state is fatal; AWS errors are retried unless this is a single pass.
            Err(e @ TrailSourceError::State { .. }) => return Err(e.into()),
            Err(e) if args.once => return Err(e.into()),
            Err(e) => {
                eprintln!("warning: {e}; retrying");
                pause(&stop, Duration::from_secs(args.interval.clamp(1, 30))).await;
                continue;
            }
        };
        report(pass, &stats, &pipeline);
        source_errors += stats.errors.len() as u64;
        let idle = stats.messages == 0;
        match source {
            Source::S3(_) if args.once => break,
            Source::S3(_) => pause(&stop, Duration::from_secs(args.interval)).await,
            Source::Sqs(_) if args.once && idle => break,
            Source::Sqs(_) => {}
        }
    }
    let worst = *worst.lock().unwrap_or_else(|p| p.into_inner());
    let fail = matches!((args.alerts.fail_on, worst), (Some(limit), Some(w)) if w <= limit);
    let input_errors = pipeline.counters.input_errors;
    let problems: Vec<String> = [
        (input_errors, "input error(s) in log files"),
        (
            source_errors,
            "object(s) or message(s) that could not be read",
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}, see above"))
    .collect();
    Ok(trail_status(fail, &problems, args.allow_incomplete))
}

/// Sleeps up to `d`, waking early when Ctrl-C was pressed.
async fn pause(stop: &AtomicBool, d: Duration) {
    let step = Duration::from_millis(200);
    let mut left = d;
    while !stop.load(Ordering::SeqCst) && !left.is_zero() {
        let nap = left.min(step);
        tokio::time::sleep(nap).await;
        left -= nap;
    }
}

fn report(pass: u64, stats: &PassStats, pipeline: &EnginePipeline) {
    for e in &stats.errors {
        eprintln!("warning: {e}");
    }
    let c = pipeline.counters;
    eprintln!(
        "pass {pass}: {} delivery(ies), {} message(s), {} deleted, {} source error(s) | total: {} events, {} alerts, {} duplicate(s) suppressed, {} input error(s)",
        stats.delivered,
        stats.messages,
        stats.deleted,
        stats.errors.len(),
        c.events,
        c.alerts,
        c.duplicates,
        c.input_errors
    );
}

#[cfg(test)]
mod tests {
    use super::state_slug;

    #[test]
    fn state_files_are_named_after_the_source() {
        assert_eq!(state_slug("s3://b/AWSLogs/o-1/"), "s3___b_AWSLogs_o-1_");
        assert_eq!(state_slug(&"q".repeat(500)).len(), 120);
    }
}
