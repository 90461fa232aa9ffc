//! `kensa watch --resync-every`: a full description of the watched scope at intervals
//! (and soon after an event the model could not apply), compared with the model; every
//! exposure that differs is alerted as drift and the model replaced. The description is
//! kept in the state directory and named by a marker in the journal, so a restart
//! starts from it and replays only the events after it.
use std::path::{Path, PathBuf};

use anyhow::Context;
use kensa_aws::collect::{collect, CollectOptions, DEFAULT_CONCURRENCY};
use kensa_aws::session::Target;
use kensa_watch::watch::RESYNC;
use kensa_watch::ChangeEvent;

use super::watch_remediate::{blocking, kensa_trail_time};

/// Collects the scope into a new directory `base-{slug}-{n}` of `state_dir`.
pub fn describe_all(target: &Target, state_dir: &Path, slug: &str) -> anyhow::Result<PathBuf> {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let dir = state_dir.join(format!("base-{slug}-{n}"));
    let opts = CollectOptions {
        out: dir.clone(),
        progress: false,
        concurrency: DEFAULT_CONCURRENCY,
    };
    let manifest = blocking(collect(target, &opts)).context("resync: collecting from AWS")?;
    for w in &manifest.warnings {
        eprintln!(
            "warning: resync {}/{} {}: {}",
            w.account, w.region, w.api, w.message
        );
    }
    Ok(dir)
}

/// The journal marker naming the description a resync replaced the model with.
pub fn marker(dir: &Path) -> ChangeEvent {
    let time = kensa_trail_time();
    ChangeEvent {
        event_id: format!("{RESYNC}-{}", dir.display()),
        event_name: RESYNC.to_string(),
        event_source: kensa_watch::apply::described::KENSA_SOURCE.to_string(),
        time,
        actor: "kensa watch (full resync)".to_string(),
        region: None,
        account: None,
        error_code: None,
        request: serde_json::json!({ "snapshot": dir.display().to_string() }),
        response: serde_json::Value::Null,
    }
}

/// Splits journaled events at the last resync marker: the description to start from
/// (None: the `--snapshot`) and the events after it.
pub fn since_last_resync(events: Vec<ChangeEvent>) -> (Option<PathBuf>, Vec<ChangeEvent>) {
    let last = events.iter().rposition(|e| e.event_name == RESYNC);
    match last {
        None => (None, events),
        Some(i) => {
            let dir = events[i].req_text("snapshot").map(PathBuf::from);
            (dir, events[i + 1..].to_vec())
        }
    }
}

/// Removes the descriptions of earlier resyncs (only `keep` is named by the journal).
pub fn remove_older(state_dir: &Path, slug: &str, keep: &Path) {
    let prefix = format!("base-{slug}-");
    let Ok(entries) = std::fs::read_dir(state_dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with(&prefix) && p != keep {
            if let Err(err) = std::fs::remove_dir_all(&p) {
                eprintln!("warning: cannot remove {}: {err}", p.display());
            }
        }
    }
}
