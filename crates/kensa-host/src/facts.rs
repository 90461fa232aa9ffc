//! `HostFacts`: what the rules may know about one host, whichever way it was read.
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// Where the facts came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// A mounted root filesystem (`--root DIR`): files only, no runtime state.
    Root {
        /// The root directory.
        path: String,
    },
    /// Agent telemetry; `live` when it was collected on the running system.
    Telemetry {
        /// The telemetry file (or label).
        path: String,
        /// Collected on the running system (else from a mounted root).
        live: bool,
    },
}

impl Origin {
    /// Why a runtime fact is missing, for NOT_EVALUATED reasons.
    pub fn no_runtime_reason(&self, what: &str) -> String {
        match self {
            Origin::Root { .. } => format!("needs runtime state ({what}); scanned from --root"),
            Origin::Telemetry { live: false, .. } => {
                format!(
                    "needs runtime state ({what}); the telemetry was collected from a mounted root"
                )
            }
            Origin::Telemetry { live: true, .. } => {
                format!("the telemetry does not contain {what}")
            }
        }
    }
}

/// Owner and permission bits of a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileMode {
    /// Permission bits with setuid/setgid/sticky.
    pub mode: u32,
    /// Owner's numeric user id.
    pub uid: u32,
    /// Owner's numeric group id.
    pub gid: u32,
    /// `file`, `dir`, `symlink` or `other`.
    pub kind: String,
}

/// A setting's value and where it was read (`/etc/ssh/sshd_config:12`, `sshd -T`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Value {
    /// The value as written (or as `sshd -T` prints it).
    pub value: String,
    /// Where it was read: `file:line` or `sshd -T`.
    pub at: String,
}

/// sshd's global settings: keywords lower-cased, the value sshd uses (the first).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SshdSettings {
    /// `sshd -T` (defaults filled in by sshd) or `sshd_config` (as written; unset
    /// keywords take OpenSSH's defaults).
    pub source: String,
    /// Keyword (lower-cased) -> the value sshd uses.
    pub settings: BTreeMap<String, Value>,
}

impl SshdSettings {
    /// The value of a keyword, case-insensitive.
    pub fn get(&self, keyword: &str) -> Option<&Value> {
        self.settings.get(&keyword.to_ascii_lowercase())
    }
}

/// A listening socket and its process (telemetry only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listener {
    /// `tcp` or `udp`.
    pub proto: String,
    /// Local address (`0.0.0.0`, `::`, `127.0.0.1`).
    pub address: String,
    /// Local port.
    pub port: u16,
    /// Id of the process holding the socket, when known.
    pub pid: Option<u32>,
    /// The process's real user id.
    pub uid: Option<u32>,
    /// The process's user name.
    pub user: Option<String>,
    /// The process name (`Name:` of /proc/PID/status).
    pub process: Option<String>,
    /// The process's executable (/proc/PID/exe).
    pub exe: Option<String>,
    /// Non-executable stack of `exe`; `None` when the ELF file could not be read.
    pub nx: Option<bool>,
}

impl Listener {
    /// Bound to a loopback address only (no other host can reach it).
    pub fn is_loopback(&self) -> bool {
        self.address
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
    }

    /// `tcp/22 on 0.0.0.0 (sshd, pid 812, /usr/sbin/sshd)`.
    pub fn describe(&self) -> String {
        let mut who = Vec::new();
        if let Some(p) = &self.process {
            who.push(p.clone());
        }
        if let Some(pid) = self.pid {
            who.push(format!("pid {pid}"));
        }
        if let Some(u) = &self.user {
            who.push(format!("user {u}"));
        }
        if let Some(e) = &self.exe {
            who.push(e.clone());
        }
        let who = if who.is_empty() {
            "process unknown".to_string()
        } else {
            who.join(", ")
        };
        format!("{}/{} on {} ({who})", self.proto, self.port, self.address)
    }
}

/// Whether a file or path is known to the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<T> {
    /// Found, with its value.
    Present(T),
    /// Looked for, not there.
    Absent,
    /// Not collected by this source (or unreadable; a warning says why).
    Unknown,
}

/// Everything the rules may read about one host.
#[derive(Debug, Clone, Serialize)]
pub struct HostFacts {
    /// Where the facts came from: a mounted root or a telemetry document.
    pub origin: Origin,
    /// /etc/os-release fields.
    pub os_release: BTreeMap<String, String>,
    /// Configuration file contents by absolute path.
    pub files: BTreeMap<String, String>,
    /// Files that were looked for (present or absent); a path outside this set is unknown.
    pub files_examined: BTreeSet<String>,
    /// Directories whose `*.conf` files were all collected into `files`.
    pub dirs_examined: BTreeSet<String>,
    /// Owner and mode by absolute path.
    pub modes: BTreeMap<String, FileMode>,
    /// Paths whose mode was looked for (present or absent).
    pub modes_examined: BTreeSet<String>,
    /// Installed OS package names; `None` when no package database could be read.
    pub packages: Option<BTreeSet<String>>,
    /// sshd's configuration; `None` when neither `sshd -T` nor sshd_config was available.
    pub sshd: Option<SshdSettings>,
    /// Live kernel parameters (`None` from a root filesystem).
    pub sysctls_live: Option<BTreeMap<String, String>>,
    /// Listening sockets (`None` from a root filesystem).
    pub listeners: Option<Vec<Listener>>,
    /// Running kernel release (`uname -r`); `None` from a root filesystem.
    pub kernel_running: Option<String>,
    /// Installed kernel releases.
    pub kernels_installed: Vec<String>,
    /// What could not be read, and why.
    pub warnings: Vec<String>,
}

impl HostFacts {
    pub(crate) fn empty(origin: Origin) -> HostFacts {
        HostFacts {
            origin,
            os_release: BTreeMap::new(),
            files: BTreeMap::new(),
            files_examined: BTreeSet::new(),
            dirs_examined: BTreeSet::new(),
            modes: BTreeMap::new(),
            modes_examined: BTreeSet::new(),
            packages: None,
            sshd: None,
            sysctls_live: None,
            listeners: None,
            kernel_running: None,
            kernels_installed: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A configuration file's content.
    pub fn file(&self, path: &str) -> Known<&str> {
        if let Some(text) = self.files.get(path) {
            Known::Present(text)
        } else if self.files_examined.contains(path) || self.dir_examined_for(path) {
            Known::Absent
        } else {
            Known::Unknown
        }
    }

    fn dir_examined_for(&self, path: &str) -> bool {
        std::path::Path::new(path)
            .parent()
            .and_then(|p| p.to_str())
            .is_some_and(|d| self.dirs_examined.contains(d))
            && path.ends_with(".conf")
    }

    /// The `*.conf` files of a directory in name order; `None` when it was not collected.
    pub fn conf_dir(&self, dir: &str) -> Option<Vec<(&str, &str)>> {
        if !self.dirs_examined.contains(dir) {
            return None;
        }
        let prefix = format!("{dir}/");
        Some(
            self.files
                .range(prefix.clone()..)
                .take_while(|(p, _)| p.starts_with(&prefix))
                .filter(|(p, _)| !p[prefix.len()..].contains('/') && p.ends_with(".conf"))
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect(),
        )
    }

    /// Owner and mode of a path.
    pub fn mode(&self, path: &str) -> Known<&FileMode> {
        match self.modes.get(path) {
            Some(m) => Known::Present(m),
            None if self.modes_examined.contains(path) => Known::Absent,
            None => Known::Unknown,
        }
    }

    /// Whether an OS package is installed; `None` when the package list is unknown.
    pub fn has_package(&self, name: &str) -> Option<bool> {
        self.packages.as_ref().map(|p| p.contains(name))
    }

    /// The installed packages among `names`, or `None` when packages are unknown.
    pub fn installed_among(&self, names: &[&str]) -> Option<Vec<String>> {
        let pkgs = self.packages.as_ref()?;
        Some(
            names
                .iter()
                .filter(|n| pkgs.contains(**n))
                .map(|n| n.to_string())
                .collect(),
        )
    }

    /// True for facts read from a running system.
    pub fn is_live(&self) -> bool {
        matches!(self.origin, Origin::Telemetry { live: true, .. })
    }
}
