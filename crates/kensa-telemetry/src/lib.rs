//! The host telemetry document: what `kensa-agent collect` writes, what `kensa-agent run`
//! uploads, what `kensa serve` accepts and what the host rules read.
//!
//! Serde types only; the collection lives in kensa-agent. A fact that could not be read
//! is never an empty value that looks like "nothing there": runtime facts that were not
//! collected are `None` (a mounted root has no listeners or live sysctls), and every file,
//! command or directory that could not be read is a [`Warning`] with its reason.
//!
//! The document is versioned by [`SCHEMA_VERSION`]; [`Telemetry::from_json`] refuses
//! another version and says which it got.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod alerts;
mod facts;
mod listeners;
mod packages;
mod validate;

pub use alerts::{
    Actor, AlertBatch, HistoryChange, HostAlert, WhoSource, ALERT_SCHEMA_VERSION,
    MAX_ALERTS_PER_BATCH,
};
pub use facts::{
    FileMode, Host, Kernel, SshdConfig, SshdMatch, SshdSource, Warning, CONFIG_FILES, CONFIG_GLOBS,
    INSECURE_PACKAGES, PERMISSION_PATHS, SYSCTLS,
};
pub use listeners::{ElfHardening, Family, Listener, OwningPackage, Proto, Relro};
pub use packages::{parse_os_release, InstalledPackage, OsInfo, PackageKind};
pub use validate::{SchemaError, MAX_DOCUMENT_BYTES};

/// The version of this document's layout. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Where the facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CollectionMode {
    /// The running system: /proc, sockets, processes and `sshd -T` were read.
    Live,
    /// A mounted root filesystem (`--root DIR`): files only, no runtime state.
    Root,
}

/// One host's telemetry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Telemetry {
    /// [`SCHEMA_VERSION`] of the collector that wrote this.
    pub schema_version: u32,
    /// kensa-agent's version.
    pub agent_version: String,
    /// When collection started, RFC 3339 UTC (`2026-12-07T18:00:00Z`).
    pub collected_at: String,
    /// Whether runtime state was read (live) or files only (a mounted root).
    pub mode: CollectionMode,
    /// The mounted root that was read (mode `root` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// Which host: name, instance, region, OS release and kernels.
    pub host: Host,
    /// Installed OS and language packages (the inventory readers' output).
    #[serde(default)]
    pub packages: Vec<InstalledPackage>,
    /// Listening TCP sockets and bound UDP sockets; `None` when not collected (root mode).
    #[serde(default)]
    pub listeners: Option<Vec<Listener>>,
    /// sshd's effective configuration; `None` when sshd is not installed or unreadable
    /// (a warning then says which).
    #[serde(default)]
    pub sshd: Option<SshdConfig>,
    /// Contents of the configuration files the host rules read ([`CONFIG_FILES`],
    /// [`CONFIG_GLOBS`]), by absolute path. A file absent from the host is absent here;
    /// a file that exists but could not be read is a warning.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Live kernel parameters ([`SYSCTLS`]) from /proc/sys; `None` in root mode. A
    /// parameter this kernel does not have is absent from the map.
    #[serde(default)]
    pub sysctls: Option<BTreeMap<String, String>>,
    /// Owner and mode of system files and directories ([`PERMISSION_PATHS`]) that exist.
    #[serde(default)]
    pub permissions: Vec<FileMode>,
    /// Installed packages that are insecure clients or servers ([`INSECURE_PACKAGES`]).
    #[serde(default)]
    pub insecure_clients_servers: Vec<String>,
    /// What could not be read, and why.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

impl Telemetry {
    /// The OS identity in the inventory's form, for the vulnerability matcher.
    pub fn os_info(&self) -> Option<OsInfo> {
        (!self.host.os_release.is_empty()).then(|| OsInfo::from_fields(&self.host.os_release))
    }

    /// The listener on a port, if telemetry has listeners.
    pub fn listeners_on(&self, proto: Proto, port: u16) -> Vec<&Listener> {
        self.listeners
            .iter()
            .flatten()
            .filter(|l| l.proto == proto && l.port == port)
            .collect()
    }
}
