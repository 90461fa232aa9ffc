//! The binary's side of the history watcher: `kensa-agent watch` (alerts as JSON lines)
//! and the thread `kensa-agent run` starts, which spools each alert batch and delivers
//! it at once (or with the next heartbeat when the server is away).
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use kensa_agent::watch::{homes, Home, Watcher};
use kensa_agent::{collect, deliver};
use kensa_telemetry::{AlertBatch, ALERT_SCHEMA_VERSION};

const PASSWD: &str = "/etc/passwd";

/// The watcher on `dirs`, or on every home directory of /etc/passwd when none given.
pub fn watcher(dirs: &[PathBuf], fanotify: bool) -> Result<Watcher> {
    let homes = if dirs.is_empty() {
        homes(Path::new(PASSWD))
    } else {
        dirs.iter()
            .map(|d| Home {
                dir: d.clone(),
                user: owner_name(d),
            })
            .collect()
    };
    let w = Watcher::new(homes, Path::new(PASSWD), fanotify)?;
    if !w.identifies_processes() {
        tracing::warn!("history alerts will say \"who unknown\": fanotify is not available");
    }
    Ok(w)
}

/// `kensa-agent watch`: one JSON alert per line until killed.
pub fn print_alerts(mut watcher: Watcher, out: &mut dyn Write) -> Result<()> {
    loop {
        for alert in watcher.next_alerts()? {
            serde_json::to_writer(&mut *out, &alert)?;
            out.write_all(b"\n")?;
            out.flush()?;
        }
    }
}

/// The `run` thread: each batch is spooled, then delivered straight away.
pub fn spawn_delivery(
    mut watcher: Watcher,
    agent: Arc<deliver::Agent>,
    instance: Option<(String, String)>,
) {
    std::thread::spawn(move || loop {
        let alerts = match watcher.next_alerts() {
            Ok(a) if a.is_empty() => continue,
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "history watcher stopped");
                return;
            }
        };
        let batch = AlertBatch {
            schema_version: ALERT_SCHEMA_VERSION,
            hostname: collect::hostname(&collect::Options::live()),
            instance_id: instance.as_ref().map(|i| i.0.clone()),
            region: instance.as_ref().map(|i| i.1.clone()),
            account: None,
            alerts,
        };
        for a in &batch.alerts {
            tracing::warn!(path = %a.path, change = ?a.change, pid = ?a.who.pid, process = ?a.who.process, "shell history alert");
        }
        if let Err(e) = agent.enqueue_alerts(&batch) {
            tracing::error!(error = %e, "alert not spooled");
            continue;
        }
        match agent.deliver_alerts() {
            Ok(r) if r.stopped.is_none() => {
                tracing::info!(delivered = r.alerts_delivered.len(), "alerts delivered")
            }
            Ok(r) => {
                tracing::warn!(pending = r.alerts_pending, reason = ?r.stopped, "alerts wait in the spool")
            }
            Err(e) => tracing::error!(error = %e, "alert delivery failed"),
        }
    });
}

fn owner_name(dir: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata(dir).map(|m| m.uid()).ok();
    let users = std::fs::read_to_string(PASSWD).unwrap_or_default();
    uid.and_then(|uid| {
        users.lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.get(2)? == &uid.to_string().as_str()).then(|| f[0].to_string())
        })
    })
    .or_else(|| uid.map(|u| format!("uid {u}")))
    .unwrap_or_else(|| "unknown".into())
}

/// Opens the output of `watch`: a file (appended to) or standard output.
pub fn open_out(out: &Path) -> Result<Box<dyn Write>> {
    if out.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdout()));
    }
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out)
        .with_context(|| format!("opening {}", out.display()))?;
    Ok(Box::new(f))
}
