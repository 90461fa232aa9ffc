//! `kensa serve --watch CONFIG`: continuous protection in the server process. The
//! watcher of `kensa watch --s3|--sqs` runs on a thread of its own (with its own
//! runtime: its AWS calls block, and must not hold the server's workers) against the
//! server's store: its session, remediations and alerts are what the dashboard's Watch
//! page, the alerts feed and `/api/v1/watch*` show, and an operator's approval there
//! is applied by it on its next poll.
use std::path::{Path, PathBuf};

use anyhow::Context;
use kensa_report::stream::StreamFormat;
use kensa_store::Location;
use kensa_watch::policy::load_policies;
use kensa_watch::Watcher;
use serde::Deserialize;

use super::watch_live::{LiveArgs, Start};

/// The watch section of the server: the options of `kensa watch` for a live source,
/// in YAML. Relative paths are relative to the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchConfig {
    /// Snapshot directory: the network before the first event.
    snapshot: PathBuf,
    /// A CloudTrail bucket, `s3://bucket[/prefix]` (exclusive with `sqs`).
    s3: Option<String>,
    /// An SQS queue URL (exclusive with `s3`).
    sqs: Option<String>,
    region: Option<String>,
    profile: Option<String>,
    endpoint_url: Option<String>,
    /// The event journal and S3 checkpoint.
    #[serde(default = "default_state_dir")]
    state_dir: PathBuf,
    /// Remediation journals (as for `kensa remediate apply`).
    #[serde(default = "default_journal_dir")]
    journal_dir: PathBuf,
    /// Automatic remediation policies (YAML).
    policies: Option<PathBuf>,
    #[serde(default = "default_interval")]
    interval: u64,
    #[serde(default = "default_wait")]
    wait_seconds: i32,
    resync_every: Option<u64>,
}

fn default_state_dir() -> PathBuf {
    ".kensa/watch".into()
}
fn default_journal_dir() -> PathBuf {
    "kensa-journal".into()
}
fn default_interval() -> u64 {
    60
}
fn default_wait() -> i32 {
    20
}

/// A checked watch configuration, ready to run.
pub struct ServeWatch {
    snapshot: PathBuf,
    live: LiveArgs,
}

impl ServeWatch {
    /// Reads and checks the file (its source, its snapshot, its policies) before the
    /// server starts: a mistake is an error now, not a dead thread later.
    pub fn load(path: &Path) -> anyhow::Result<ServeWatch> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("--watch {}: cannot read it", path.display()))?;
        let c: WatchConfig = serde_yaml_ng::from_str(&text)
            .with_context(|| format!("--watch {}: not a watch configuration", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let at = |p: &Path| base.join(p);
        anyhow::ensure!(
            c.s3.is_some() != c.sqs.is_some(),
            "--watch {}: give exactly one of `s3` and `sqs`",
            path.display()
        );
        anyhow::ensure!(
            (0..=20).contains(&c.wait_seconds),
            "--watch {}: wait_seconds must be 0 to 20",
            path.display()
        );
        let snapshot = at(&c.snapshot);
        anyhow::ensure!(
            snapshot.is_dir(),
            "--watch {}: snapshot {} is not a directory",
            path.display(),
            snapshot.display()
        );
        let policies = c.policies.as_deref().map(at);
        if let Some(p) = &policies {
            load_policies(p).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                anyhow::anyhow!("invalid policy file:\n{}", lines.join("\n"))
            })?;
        }
        let live = LiveArgs {
            s3: c.s3,
            sqs: c.sqs,
            state_dir: at(&c.state_dir),
            interval: c.interval,
            once: false,
            wait_seconds: c.wait_seconds,
            region: c.region,
            profile: c.profile,
            endpoint_url: c.endpoint_url,
            policies,
            journal_dir: at(&c.journal_dir),
            resync_every: c.resync_every,
        };
        Ok(ServeWatch { snapshot, live })
    }

    /// Starts the watcher on its own thread against `store`. Its failures are logged
    /// and recorded in its session (the Watch page shows them); the server goes on.
    pub fn spawn(self, store: Location) -> anyhow::Result<()> {
        std::thread::Builder::new()
            .name("kensa-watch".into())
            .spawn(move || {
                if let Err(e) = self.run(store) {
                    tracing::error!(error = %format!("{e:#}"), "the watcher stopped");
                }
            })
            .context("cannot start the watcher's thread")?;
        Ok(())
    }

    fn run(self, store: Location) -> anyhow::Result<()> {
        let snap = kensa_model::Snapshot::load(&self.snapshot)
            .with_context(|| format!("cannot load snapshot {}", self.snapshot.display()))?;
        let watcher = Watcher::new(snap);
        tracing::info!(
            interfaces = watcher.exposures().len(),
            source = self.live.url().unwrap_or(""),
            "watcher started"
        );
        let start = Start {
            watcher,
            snapshot: &self.snapshot,
            store: Some(store),
        };
        // The alerts are in the store; their lines go to the server's log stream too.
        let sink = StreamFormat::Text.sink(std::io::stderr());
        super::watch_live::run(start, &self.live, sink, None)?;
        Ok(())
    }
}
