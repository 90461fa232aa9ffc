//! What a process is: /proc/PID/{status,exe,cmdline}, and its user's name.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The facts the listener record needs about one process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Process {
    /// `Name:` of /proc/PID/status (the kernel's 15-character command name).
    pub name: Option<String>,
    /// Real uid (first `Uid:` field); `None` when the process has gone or is hidden.
    pub uid: Option<u32>,
    /// Target of /proc/PID/exe; unreadable without privileges for other users' processes.
    pub exe: Option<PathBuf>,
    /// NUL-separated arguments of /proc/PID/cmdline, empty ones dropped.
    pub cmdline: Option<Vec<String>>,
}

/// Reads what can be read about `pid`; a field the kernel refuses (or a process that
/// exited meanwhile) is `None`, never an error.
pub fn read(proc: &Path, pid: u32) -> Process {
    let dir = proc.join(pid.to_string());
    let status = std::fs::read_to_string(dir.join("status")).unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_string())
    };
    let cmdline = std::fs::read(dir.join("cmdline")).ok().map(|raw| {
        raw.split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect()
    });
    Process {
        name: field("Name:"),
        // Real uid: the first of the four `Uid:` columns.
        uid: field("Uid:").and_then(|v| v.split_whitespace().next()?.parse().ok()),
        exe: std::fs::read_link(dir.join("exe")).ok(),
        cmdline,
    }
}

/// uid -> user name from a passwd file; an unreadable file gives an empty map (the uid
/// is then reported as a number).
pub fn users(passwd: &Path) -> BTreeMap<u32, String> {
    std::fs::read_to_string(passwd)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            let uid = f.nth(1)?.parse().ok()?;
            Some((uid, name.to_string()))
        })
        .collect()
}
