//! Who changed a file: fanotify (CAP_SYS_ADMIN, Linux 5.1 or later for directory-entry
//! events with FAN_REPORT_FID) reports the pid of the process that made each change;
//! inotify, which says what and when, does not. One fanotify group per watched
//! directory, so that an event's group names its directory; the latest event of the
//! matching kind is taken to be the change inotify reported (both are queued by the
//! same kernel call).
use std::collections::BTreeMap;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use kensa_telemetry::{Actor, HistoryChange, WhoSource};
use nix::sys::fanotify::{EventFFlags, Fanotify, InitFlags, MarkFlags, MaskFlags};

use crate::collect::process;

/// The events a history file's directory is marked for.
fn watched_mask() -> MaskFlags {
    MaskFlags::FAN_DELETE
        | MaskFlags::FAN_MOVED_FROM
        | MaskFlags::FAN_MOVED_TO
        | MaskFlags::FAN_CREATE
        | MaskFlags::FAN_MODIFY
        | MaskFlags::FAN_EVENT_ON_CHILD
}

/// The fanotify event kinds that can cause an inotify report of `change`.
fn matching(change: HistoryChange) -> MaskFlags {
    match change {
        HistoryChange::Deleted => MaskFlags::FAN_DELETE | MaskFlags::FAN_MOVED_FROM,
        HistoryChange::Truncated => MaskFlags::FAN_MODIFY,
        HistoryChange::Replaced => MaskFlags::FAN_MOVED_TO | MaskFlags::FAN_CREATE,
    }
}

/// Per-directory fanotify groups, or why there are none.
pub struct Who {
    groups: BTreeMap<PathBuf, Fanotify>,
    unavailable: Option<String>,
    users: BTreeMap<u32, String>,
}

impl Who {
    /// Opens one group per directory; the first failure (no CAP_SYS_ADMIN, old kernel)
    /// makes every answer "who unknown" with that reason.
    pub fn open(dirs: &[PathBuf], passwd: &Path) -> Who {
        let users = process::users(passwd);
        let mut groups = BTreeMap::new();
        for dir in dirs {
            match open_group(dir) {
                Ok(g) => {
                    groups.insert(dir.clone(), g);
                }
                Err(reason) => {
                    return Who {
                        groups: BTreeMap::new(),
                        unavailable: Some(reason),
                        users,
                    }
                }
            }
        }
        Who {
            groups,
            unavailable: None,
            users,
        }
    }

    /// A watcher that never identifies anyone (tests, or fanotify refused up front).
    pub fn unknown(reason: &str) -> Who {
        Who {
            groups: BTreeMap::new(),
            unavailable: Some(reason.to_string()),
            users: BTreeMap::new(),
        }
    }

    /// Whether fanotify is in use.
    pub fn available(&self) -> bool {
        self.unavailable.is_none()
    }

    /// The process behind the latest `change` in `dir`, reading (and so consuming)
    /// the directory's queued fanotify events.
    pub fn actor(&self, dir: &Path, change: HistoryChange) -> Actor {
        let unknown = |note: String| Actor {
            source: WhoSource::Unknown,
            pid: None,
            process: None,
            exe: None,
            cmdline: None,
            uid: None,
            user: None,
            note: Some(note),
        };
        if let Some(reason) = &self.unavailable {
            return unknown(format!("who unknown: {reason}"));
        }
        let Some(group) = self.groups.get(dir) else {
            return unknown(format!("who unknown: {} is not marked", dir.display()));
        };
        let wanted = matching(change);
        let mut pid = None;
        // The kernel queues the inotify and the fanotify event in one call, but the
        // watcher may wake between the two: look again briefly before giving up.
        for _ in 0..5 {
            // Non-blocking: read until the queue is empty.
            while let Ok(events) = group.read_events() {
                if events.is_empty() {
                    break;
                }
                for e in &events {
                    if e.mask().intersects(wanted) {
                        pid = u32::try_from(e.pid()).ok();
                    }
                }
            }
            if pid.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let Some(pid) = pid else {
            return unknown("who unknown: fanotify reported no matching event".into());
        };
        let p = process::read(Path::new("/proc"), pid);
        let note = p
            .name
            .is_none()
            .then(|| format!("pid {pid} exited before it could be named"));
        Actor {
            source: WhoSource::Fanotify,
            pid: Some(pid),
            process: p.name,
            exe: p.exe.map(|e| e.display().to_string()),
            cmdline: p.cmdline.map(|a| a.join(" ")),
            user: p.uid.and_then(|u| self.users.get(&u).cloned()),
            uid: p.uid,
            note,
        }
    }
}

fn open_group(dir: &Path) -> Result<Fanotify, String> {
    // FAN_REPORT_FID (0x200) is what allows directory-entry events (delete, move,
    // create); nix 0.32 has no name for it.
    let report_fid = InitFlags::from_bits_retain(0x0000_0200);
    let group = Fanotify::init(
        InitFlags::FAN_CLASS_NOTIF | InitFlags::FAN_CLOEXEC | InitFlags::FAN_NONBLOCK | report_fid,
        EventFFlags::O_RDONLY,
    )
    .map_err(|e| format!("fanotify unavailable ({e}; needs CAP_SYS_ADMIN and Linux 5.1+)"))?;
    let handle = std::fs::File::open(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    group
        .mark(
            MarkFlags::FAN_MARK_ADD | MarkFlags::FAN_MARK_ONLYDIR,
            watched_mask(),
            handle.as_fd(),
            None::<&Path>,
        )
        .map_err(|e| format!("fanotify mark on {}: {e}", dir.display()))?;
    Ok(group)
}
