//! The runtime watcher: deletion, truncation or replacement of shell history files
//! (Sysdig's "Delete or rename shell history", Inspector's runtime behaviour). inotify
//! on each home directory says what and when; fanotify ([`who`]) says who, and when it
//! cannot ("who unknown: ..."), the alert says so instead of guessing.
mod targets;
mod who;

pub use targets::{homes, is_history, Home, HISTORY_FILES};
pub use who::Who;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask};
use kensa_telemetry::{HistoryChange, HostAlert};

use crate::collect::time::rfc3339;

/// Why the watcher could not start or stopped reading.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// inotify could not be set up, or a directory could not be watched.
    #[error("inotify{}: {source}", .path.as_ref().map(|p| format!(" on {}", p.display())).unwrap_or_default())]
    Inotify {
        /// The directory, when the failure concerns one.
        path: Option<PathBuf>,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// No home directory to watch.
    #[error("no home directory to watch")]
    Nothing,
}

/// Watches the history files of a set of home directories.
pub struct Watcher {
    inotify: Inotify,
    homes: BTreeMap<WatchDescriptor, Home>,
    /// Last known size of each history file (truncation is a size that went down).
    sizes: BTreeMap<PathBuf, u64>,
    who: Who,
    buffer: Vec<u8>,
}

impl Watcher {
    /// Watches `homes`; with `fanotify`, also tries to identify who makes each change
    /// (else, or when refused, every alert says "who unknown" and why).
    pub fn new(homes: Vec<Home>, passwd: &Path, fanotify: bool) -> Result<Watcher, WatchError> {
        if homes.is_empty() {
            return Err(WatchError::Nothing);
        }
        let err = |path: Option<PathBuf>| move |source| WatchError::Inotify { path, source };
        let inotify = Inotify::init().map_err(err(None))?;
        let mask = WatchMask::MODIFY
            | WatchMask::DELETE
            | WatchMask::MOVED_FROM
            | WatchMask::MOVED_TO
            | WatchMask::CREATE
            | WatchMask::ONLYDIR;
        let mut watched = BTreeMap::new();
        let mut sizes = BTreeMap::new();
        let mut last_error = None;
        for home in homes {
            // One unreadable home directory does not stop the others being watched.
            let wd = match inotify.watches().add(&home.dir, mask) {
                Ok(wd) => wd,
                Err(e) => {
                    tracing::warn!(dir = %home.dir.display(), error = %e, "home directory not watched");
                    last_error = Some(err(Some(home.dir.clone()))(e));
                    continue;
                }
            };
            for name in HISTORY_FILES {
                let path = home.dir.join(name);
                if let Ok(m) = std::fs::symlink_metadata(&path) {
                    sizes.insert(path, m.len());
                }
            }
            watched.insert(wd, home);
        }
        if watched.is_empty() {
            return Err(last_error.unwrap_or(WatchError::Nothing));
        }
        let dirs: Vec<PathBuf> = watched.values().map(|h| h.dir.clone()).collect();
        let who = if fanotify {
            Who::open(&dirs, passwd)
        } else {
            Who::unknown("fanotify not requested")
        };
        Ok(Watcher {
            inotify,
            homes: watched,
            sizes,
            who,
            buffer: vec![0; 64 * 1024],
        })
    }

    /// Whether alerts can name the process (fanotify works here).
    pub fn identifies_processes(&self) -> bool {
        self.who.available()
    }

    /// Waits for changes and returns their alerts (possibly none: a history that
    /// grew, a new history file).
    pub fn next_alerts(&mut self) -> Result<Vec<HostAlert>, WatchError> {
        let events: Vec<(WatchDescriptor, EventMask, std::ffi::OsString)> = self
            .inotify
            .read_events_blocking(&mut self.buffer)
            .map_err(|source| WatchError::Inotify { path: None, source })?
            .filter_map(|e| Some((e.wd, e.mask, e.name?.to_os_string())))
            .collect();
        let mut alerts = Vec::new();
        for (wd, mask, name) in events {
            if !is_history(&name) {
                continue;
            }
            let Some(home) = self.homes.get(&wd).cloned() else {
                continue;
            };
            if let Some(alert) = self.judge(&home, mask, &name) {
                alerts.push(alert);
            }
        }
        Ok(alerts)
    }

    /// One inotify event on a history file: an alert, or a size to remember.
    fn judge(&mut self, home: &Home, mask: EventMask, name: &OsStr) -> Option<HostAlert> {
        let path = home.dir.join(name);
        let now = std::fs::symlink_metadata(&path).ok();
        let before = self.sizes.get(&path).copied();
        match &now {
            Some(m) => self.sizes.insert(path.clone(), m.len()),
            None => self.sizes.remove(&path),
        };
        let (change, size_before, detail) = if mask.contains(EventMask::DELETE) {
            (HistoryChange::Deleted, before, None)
        } else if mask.contains(EventMask::MOVED_FROM) {
            (
                HistoryChange::Deleted,
                before,
                Some("renamed away".to_string()),
            )
        } else if mask.contains(EventMask::MOVED_TO) {
            let what = describe(&path, now.as_ref());
            (
                HistoryChange::Replaced,
                before,
                Some(format!("another file was renamed onto it ({what})")),
            )
        } else if mask.contains(EventMask::CREATE) {
            // A new regular file is a shell starting a history; a link is not.
            let m = now.as_ref()?;
            if !m.file_type().is_symlink() {
                return None;
            }
            (
                HistoryChange::Replaced,
                before,
                Some(describe(&path, now.as_ref())),
            )
        } else if mask.contains(EventMask::MODIFY) {
            let after = now.as_ref()?.len();
            if before.is_none_or(|b| after >= b) {
                return None;
            }
            (
                HistoryChange::Truncated,
                before,
                Some(format!("now {after} bytes")),
            )
        } else {
            return None;
        };
        Some(HostAlert {
            id: uuid::Uuid::new_v4().to_string(),
            change,
            time: rfc3339(std::time::SystemTime::now()),
            path: path.display().to_string(),
            owner: Some(home.user.clone()),
            size_before,
            detail,
            who: self.who.actor(&home.dir, change),
        })
    }
}

/// "a symbolic link to /dev/null", "a regular file of 12 bytes".
fn describe(path: &Path, meta: Option<&std::fs::Metadata>) -> String {
    match meta {
        Some(m) if m.file_type().is_symlink() => match std::fs::read_link(path) {
            Ok(target) => format!("now a symbolic link to {}", target.display()),
            Err(_) => "now a symbolic link".into(),
        },
        Some(m) => format!("now a file of {} bytes", m.len()),
        None => "gone again".into(),
    }
}
