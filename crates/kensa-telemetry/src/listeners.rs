//! Listening sockets and the hardening of the programs behind them.
use serde::{Deserialize, Serialize};

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
