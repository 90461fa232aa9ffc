//! Listening sockets, the programs behind them, their hardening and their packages.
use serde::{Deserialize, Serialize};

use crate::PackageKind;

/// Transport protocol of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    /// TCP (a socket in LISTEN state).
    Tcp,
    /// UDP (a bound, unconnected socket).
    Udp,
}

/// Address family of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// IPv4 (/proc/net/tcp, /proc/net/udp).
    V4,
    /// IPv6 (/proc/net/tcp6, /proc/net/udp6); `::` may also accept IPv4.
    V6,
}

/// A TCP socket in LISTEN state or a bound, unconnected UDP socket.
///
/// The process fields are `None` when no process could be tied to the socket (another
/// user's process while not running as root, or a kernel socket).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Listener {
    /// TCP or UDP.
    pub proto: Proto,
    /// IPv4 or IPv6.
    pub family: Family,
    /// Local address as text (`0.0.0.0`, `::`, `127.0.0.1`).
    pub address: String,
    /// Local port.
    pub port: u16,
    /// Id of the process holding the socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// The process's real user (name, or the uid as text when it has no name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The process's real user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    /// `Name:` of /proc/PID/status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_name: Option<String>,
    /// Target of /proc/PID/exe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exe: Option<String>,
    /// /proc/PID/cmdline, one entry per argument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmdline: Option<Vec<String>>,
    /// Hardening of `exe`, when it could be read as an ELF file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elf_hardening: Option<ElfHardening>,
    /// The installed OS package whose file list holds `exe`; `None` when `exe` is unknown,
    /// belongs to no package (a binary installed by hand), or the package database's file
    /// lists could not be read (a warning then says which). Absent from documents of
    /// agents before it was collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<OwningPackage>,
}

/// The installed package that owns a file, as the package manager's own file lists say.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OwningPackage {
    /// Package manager (`deb`, `rpm`, `apk`).
    pub kind: PackageKind,
    /// Package name as the package manager states it.
    pub name: String,
    /// Installed version as the package manager states it.
    pub version: String,
    /// Architecture (`amd64`, `x86_64`), when the package manager records one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub arch: String,
}

impl Listener {
    /// Bound to a loopback address only (not reachable from another host).
    pub fn is_loopback(&self) -> bool {
        self.address
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
    }
}

/// Exploit mitigations compiled into an executable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ElfHardening {
    /// Non-executable stack: a `PT_GNU_STACK` header without the execute flag.
    pub nx: bool,
    /// Imports `__stack_chk_fail` (or `__stack_chk_fail_local`).
    pub stack_protector: bool,
    /// Position-independent executable (`ET_DYN` with an interpreter or `DF_1_PIE`).
    pub pie: bool,
    /// Read-only relocations after start-up.
    pub relro: Relro,
}

/// Read-only relocations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relro {
    /// No `PT_GNU_RELRO`.
    None,
    /// `PT_GNU_RELRO` without immediate binding: the GOT stays writable.
    Partial,
    /// `PT_GNU_RELRO` and `BIND_NOW` (`DT_BIND_NOW`, `DF_BIND_NOW` or `DF_1_NOW`).
    Full,
}
