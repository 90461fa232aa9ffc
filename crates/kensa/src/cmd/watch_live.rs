//! `kensa watch --s3 | --sqs`: the watcher fed by kensa-trail's live CloudTrail sources.
//!
//! Each delivery's events are applied in time order; their alerts go to the sink, then
//! the event is appended to a journal in `--state-dir` before the delivery is
//! acknowledged (S3 checkpoint, SQS delete). On a restart the journal is applied again
//! without alerting, so the model is the one alerts were computed on, and an event
//! delivered twice is skipped by its id. A crash between an alert and its journal line
//! alerts that event again (at least once, never lost).
//!
//! With `--policies`, opened exposures are remediated ([`super::watch_remediate`]); with
//! `--resync-every`, the model is compared with a full description at intervals
//! ([`super::watch_resync`]).
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use kensa_aws::trail::{
    Delivery, S3Location, S3Watcher, SqsWatcher, TrailClients, TrailSourceError,
};
use kensa_model::Severity;
use kensa_report::stream::Sink;
use kensa_watch::journal::Journal;
use kensa_watch::policy::load_policies;
use kensa_watch::read::{parse, replay_order};
use kensa_watch::{ChangeEvent, RedescribeNotice, WatchRecord, Watcher};

use super::watch_describe::describe_again;
use super::watch_remediate::{state_file, Book, Remediator, Step};
use super::watch_resync::{describe_all, marker, remove_older, since_last_resync};
use super::watch_store::{Session, StoreTee, WatchDb};

#[derive(Debug, Clone, clap::Args)]
pub struct LiveArgs {
    /// Poll a CloudTrail bucket (s3://bucket[/prefix]) instead of replaying files; S3
    /// delivers a trail's files 5 to 15 minutes after the calls.
    #[arg(long, value_name = "S3_URL", conflicts_with_all = ["events", "sqs"])]
    pub s3: Option<String>,
    /// Long-poll an SQS queue (fed by EventBridge: seconds after the call; or by S3
    /// notifications / CloudTrail's SNS topic) instead of replaying files.
    #[arg(long, value_name = "QUEUE_URL", conflicts_with_all = ["events", "s3"])]
    pub sqs: Option<String>,
    /// Directory for the journal of applied events and the S3 checkpoint.
    #[arg(long, value_name = "DIR", default_value = ".kensa/watch")]
    pub state_dir: PathBuf,
    /// Seconds between two listings of the bucket.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub interval: u64,
    /// One pass over the bucket, or read the queue until it is empty, then exit.
    #[arg(long)]
    pub once: bool,
    /// SQS long-polling wait (0-20 seconds): how long an empty receive waits for a message.
    #[arg(long, value_name = "SECONDS", default_value_t = 20, value_parser = clap::value_parser!(i32).range(0..=20))]
    pub wait_seconds: i32,
    /// AWS region (default: from the environment or profile).
    #[arg(long)]
    pub region: Option<String>,
    /// AWS profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint override (VPC endpoints, moto, LocalStack); AWS_ENDPOINT_URL works too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Automatic remediation policies (YAML; see the README): opened exposures they
    /// cover are remediated, planned for approval (`kensa remediate approve ID`) or
    /// reported as a dry run. Validated before anything starts.
    #[arg(long, value_name = "FILE")]
    pub policies: Option<PathBuf>,
    /// Journal directory of the remediations (as for `kensa remediate apply`; default:
    /// $KENSA_JOURNAL_DIR, else ./kensa-journal).
    #[arg(
        long,
        value_name = "DIR",
        env = "KENSA_JOURNAL_DIR",
        default_value = "kensa-journal"
    )]
    pub journal_dir: PathBuf,
    /// Describe the whole scope again every SECONDS, alert what the model missed (drift)
    /// and continue from the fresh model; also done after an event kensa could neither
    /// apply nor describe again alone (an instance stopped, a subnet created) or whose
    /// re-describe failed. Off by default.
    #[arg(long, value_name = "SECONDS")]
    pub resync_every: Option<u64>,
}

impl LiveArgs {
    pub fn url(&self) -> Option<&str> {
        self.s3.as_deref().or(self.sqs.as_deref())
    }

    /// The account and region the watcher remediates and describes in.
    pub fn target(&self) -> kensa_aws::session::Target {
        kensa_aws::session::Target {
            profile: self.profile.clone(),
            regions: self.region.iter().cloned().collect(),
            endpoint_url: self.endpoint_url.clone(),
            ..Default::default()
        }
    }
}

/// What the handler needs between deliveries.
struct LiveState {
    watcher: Watcher,
    journal: Journal,
    sink: Box<dyn Sink<WatchRecord>>,
    worst: Option<Severity>,
    duplicates: u64,
    remediator: Option<Remediator>,
    /// Where resources are described again.
    target: kensa_aws::session::Target,
    /// An event the model could not apply: resync soon (when resyncs are on).
    resync_due: bool,
    /// The session row in the store (with `--store`).
    session: Option<Session>,
    /// Resources the model may have wrong until the next resync: kensa could not
    /// describe them again (a failed call, or a kind it cannot describe alone).
    stale: std::collections::BTreeSet<String>,
}

impl LiveState {
    fn handle(&mut self, delivery: &Delivery) -> Result<(), String> {
        let (mut events, errors) =
            parse(&delivery.bytes, &delivery.origin).map_err(|e| e.to_string())?;
        for e in &errors {
            eprintln!("warning: {e}; skipped");
        }
        replay_order(&mut events);
        for ev in &events {
            if self.journal.contains(&ev.event_id) {
                self.duplicates += 1;
                continue;
            }
            if let Some(s) = &mut self.session {
                if s.row.last_event_at.as_deref() < Some(ev.time.as_str()) {
                    s.row.last_event_at = Some(ev.time.clone());
                }
            }
            let records = self.watcher.process(ev);
            let (described, failures) = self.describe_again(&records);
            self.emit(&records)?;
            self.emit(&failures)?;
            let step = match &mut self.remediator {
                Some(rem) => rem
                    .consider(&mut self.watcher, &records)
                    .map_err(|e| format!("remediation: {e:#}"))?,
                None => Step::default(),
            };
            self.emit(&step.records)?;
            let mut after = Vec::new();
            for d in &described {
                after.extend(self.watcher.process(d));
            }
            self.emit(&after)?;
            if kensa_watch::apply::changes_network(ev) {
                self.journal.append(ev).map_err(|e| e.to_string())?;
            }
            self.journal_all(&step.events)?;
            self.journal_all(&described)?;
        }
        Ok(())
    }

    /// For each resource an event left unknown: a peering connection, transit gateway
    /// attachment, load balancer or target group is described again now (an event for
    /// the model). A failed describe is reported as a notice; that resource, and any
    /// kensa cannot describe alone, stays stale until the next resync (made due).
    fn describe_again(&mut self, records: &[WatchRecord]) -> (Vec<ChangeEvent>, Vec<WatchRecord>) {
        let (mut out, mut failures) = (Vec::new(), Vec::new());
        for r in records {
            let WatchRecord::Redescribe(n) = r else {
                continue;
            };
            let actor = format!("kensa watch (described after `{}`)", n.event.event_name);
            let region = n.event.region.as_deref();
            match describe_again(&self.target, region, &n.resource, &actor) {
                Some(Ok(ev)) => {
                    self.stale.remove(&n.resource);
                    out.push(ev);
                }
                Some(Err(e)) => {
                    failures.push(WatchRecord::Redescribe(RedescribeNotice {
                        event: n.event.clone(),
                        resource: n.resource.clone(),
                        reason: format!(
                            "describing it again failed ({e:#}); stale until the next full resync"
                        ),
                    }));
                    self.stale.insert(n.resource.clone());
                    self.resync_due = true;
                }
                None => {
                    self.stale.insert(n.resource.clone());
                    self.resync_due = true;
                }
            }
        }
        (out, failures)
    }

    /// Alerts to the sink, flushed.
    fn emit(&mut self, records: &[WatchRecord]) -> Result<(), String> {
        for r in records {
            if let WatchRecord::Exposure(a) = r {
                if a.change == "opened" {
                    self.worst = self.worst.max(Some(a.severity));
                }
            }
            self.sink
                .emit(r)
                .map_err(|e| format!("alert output: {e}"))?;
        }
        self.sink.flush().map_err(|e| format!("alert output: {e}"))
    }

    fn journal_all(&mut self, events: &[ChangeEvent]) -> Result<(), String> {
        for ev in events {
            self.journal.append(ev).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Outcomes of approvals given with `kensa remediate approve` since the last poll.
    fn approvals(&mut self) -> anyhow::Result<()> {
        if let Some(rem) = &mut self.remediator {
            let step = rem.approvals(&mut self.watcher)?;
            self.emit(&step.records).map_err(anyhow::Error::msg)?;
            self.journal_all(&step.events).map_err(anyhow::Error::msg)?;
        }
        Ok(())
    }

    /// Describes everything again, alerts the drift, continues from the description.
    fn resync(&mut self, live: &LiveArgs, slug: &str) -> anyhow::Result<()> {
        let dir = describe_all(&live.target(), &live.state_dir, slug)?;
        let snap = kensa_model::Snapshot::load(&dir)
            .with_context(|| format!("resync: cannot load {}", dir.display()))?;
        let records = self
            .watcher
            .resync(snap, &super::watch_remediate::kensa_trail_time());
        self.emit(&records).map_err(anyhow::Error::msg)?;
        self.journal.append(&marker(&dir))?;
        remove_older(&live.state_dir, slug, &dir);
        self.resync_due = false;
        if let Some(s) = &mut self.session {
            for r in &records {
                if let WatchRecord::Drift(d) = r {
                    s.row.drift_count += d.corrected as i64;
                }
            }
            s.row.last_resync_at = Some(kensa_store::clock::now());
            s.model(&dir);
        }
        self.stale.clear();
        eprintln!(
            "kensa watch: resync: {} exposure change(s) the events had not shown",
            records.len().saturating_sub(1)
        );
        Ok(())
    }
}

/// Where the watcher starts and keeps its state.
pub struct Start<'a> {
    pub watcher: Watcher,
    /// The snapshot directory the watcher's model was loaded from.
    pub snapshot: &'a Path,
    /// The store for the session, remediations and alerts; None: files in --state-dir.
    pub store: Option<kensa_store::Location>,
}

pub fn run(
    start: Start<'_>,
    live: &LiveArgs,
    sink: Box<dyn Sink<WatchRecord>>,
    fail_on: Option<Severity>,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(watch(start, live, sink, fail_on))
}

async fn watch(
    start: Start<'_>,
    live: &LiveArgs,
    sink: Box<dyn Sink<WatchRecord>>,
    fail_on: Option<Severity>,
) -> anyhow::Result<ExitCode> {
    let mut watcher = start.watcher;
    let mut model_dir = start.snapshot.to_path_buf();
    let url = live
        .url()
        .context("give --events, --s3 or --sqs")?
        .to_string();
    let slug = super::trail_watch::state_slug(&url);
    std::fs::create_dir_all(&live.state_dir)
        .with_context(|| format!("cannot create state directory {}", live.state_dir.display()))?;
    let (journal, applied) = Journal::open(&live.state_dir.join(format!("journal-{slug}.jsonl")))?;
    let (base, applied) = since_last_resync(applied);
    if let Some(dir) = base {
        let snap = kensa_model::Snapshot::load(&dir)
            .with_context(|| format!("cannot load the last resync's model {}", dir.display()))?;
        eprintln!(
            "kensa watch: starting from the last resync, {}",
            dir.display()
        );
        watcher = Watcher::new(snap);
        model_dir = dir;
    }
    let db = match start.store {
        Some(location) => Some(std::sync::Arc::new(WatchDb::open(location)?)),
        None => None,
    };
    let book = match &db {
        Some(db) => Book::Store {
            db: db.clone(),
            source: url.clone(),
        },
        None => Book::File(kensa_watch::remediation::RemediationLog::open(
            &state_file(&live.state_dir, &slug),
        )?),
    };
    let remediator = match &live.policies {
        Some(path) => {
            let policies = load_policies(path).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                anyhow::anyhow!("invalid policy file:\n{}", lines.join("\n"))
            })?;
            eprintln!(
                "kensa watch: {} remediation polic(ies) from {}",
                policies.len(),
                path.display()
            );
            Some(Remediator::new(
                policies,
                book,
                live.journal_dir.clone(),
                live.target(),
            )?)
        }
        None => None,
    };
    for ev in &applied {
        watcher.process(ev);
    }
    watcher.reset_stats();
    eprintln!(
        "kensa watch: {url}: {} journaled event(s) applied again",
        applied.len()
    );
    let clients = TrailClients::load(
        live.region.as_deref(),
        live.profile.as_deref(),
        live.endpoint_url.as_deref(),
    )
    .await;
    let s3 = match &live.s3 {
        Some(s3) => Some(S3Watcher::new(
            clients.s3.clone(),
            S3Location::parse(s3)?,
            live.state_dir.join(format!("checkpoint-{slug}.json")),
        )?),
        None => None,
    };
    let sqs = live.sqs.as_ref().map(|q| {
        let mut w = SqsWatcher::new(clients.sqs.clone(), clients.s3.clone(), q.clone());
        w.wait_seconds = live.wait_seconds;
        w
    });
    let session = match &db {
        Some(db) => {
            let yaml = match &live.policies {
                Some(p) => Some(
                    std::fs::read_to_string(p)
                        .with_context(|| format!("cannot read {}", p.display()))?,
                ),
                None => None,
            };
            let regions = live.region.iter().cloned().collect();
            eprintln!(
                "kensa watch: session, remediations and alerts in {}",
                db.shown
            );
            Some(Session::start(db.clone(), &url, regions, &model_dir, yaml)?)
        }
        None => None,
    };
    let sink: Box<dyn Sink<WatchRecord>> = match &db {
        Some(db) => Box::new(StoreTee {
            inner: sink,
            db: db.clone(),
            origin: url.clone(),
        }),
        None => sink,
    };
    let mut state = LiveState {
        session,
        watcher,
        journal,
        sink,
        worst: None,
        duplicates: 0,
        remediator,
        target: live.target(),
        resync_due: false,
        stale: Default::default(),
    };
    let result = poll(&mut state, live, &slug, (s3, sqs), fail_on).await;
    if let Some(s) = &mut state.session {
        s.row.stats = serde_json::to_value(state.watcher.stats()).unwrap_or_default();
        s.end(&result);
    }
    result
}

/// Polls the source until Ctrl-C (or, with --once, until it has nothing more).
async fn poll(
    state: &mut LiveState,
    live: &LiveArgs,
    slug: &str,
    (mut s3, mut sqs): (Option<S3Watcher>, Option<SqsWatcher>),
    fail_on: Option<Severity>,
) -> anyhow::Result<ExitCode> {
    let mut last_resync = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    while !stop.load(Ordering::SeqCst) {
        state.approvals()?;
        let mut handler = |d: &Delivery| state.handle(d);
        let result = match (&mut s3, &mut sqs) {
            (Some(w), _) => w.poll_once(&mut handler).await,
            (None, Some(w)) => w.poll_once(&mut handler).await,
            (None, None) => unreachable!("url() checked a source is given"),
        };
        let stats = match result {
            Ok(stats) => stats,
            Err(e @ TrailSourceError::State { .. }) => return Err(e.into()),
            Err(e) if live.once => return Err(e.into()),
            Err(e) => {
                eprintln!("warning: {e}; retrying");
                tokio::time::sleep(Duration::from_secs(live.interval.clamp(1, 30))).await;
                continue;
            }
        };
        for e in &stats.errors {
            eprintln!("warning: {e}");
        }
        let s = state.watcher.stats();
        eprintln!(
            "{} message(s), {} delivery(ies) | total: {} event(s), {} applied, {} alert(s), {} re-describe, {} duplicate(s) skipped, {} resource(s) stale until a resync",
            stats.messages, stats.delivered, s.events, s.applied, s.alerts, s.redescribe, state.duplicates, state.stale.len()
        );
        if let Some(every) = live.resync_every {
            if state.resync_due || last_resync.elapsed() >= Duration::from_secs(every) {
                if let Err(e) = state.resync(live, slug) {
                    eprintln!("warning: {e:#}; the model continues from the events");
                }
                last_resync = Instant::now();
            }
        }
        if let Some(session) = &mut state.session {
            session.row.stats = serde_json::to_value(state.watcher.stats()).unwrap_or_default();
            if let Err(e) = session.save() {
                eprintln!("warning: cannot record the watcher's state: {e:#}");
            }
        }
        let idle = stats.messages == 0;
        if live.once && (s3.is_some() || idle) {
            break;
        }
        if s3.is_some() {
            tokio::time::sleep(Duration::from_secs(live.interval)).await;
        }
    }
    let fail = matches!((fail_on, state.worst), (Some(t), Some(w)) if w >= t);
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
