//! Host identity, configuration and permission facts, and the lists of what is collected.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Which host this is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Host {
    /// The host name (`/proc/sys/kernel/hostname`, or /etc/hostname from a mounted root).
    pub hostname: String,
    /// EC2 instance id, from IMDSv2 when the agent was allowed to ask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// AWS region, from IMDSv2 like the instance id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Every `KEY=value` field of /etc/os-release (or /usr/lib/os-release), unquoted.
    #[serde(default)]
    pub os_release: BTreeMap<String, String>,
    /// The running and installed kernels.
    pub kernel: Kernel,
}

/// Kernels: the one running and the ones installed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Kernel {
    /// `uname -r` of the running kernel (/proc/sys/kernel/osrelease); `None` in root mode.
    #[serde(default)]
    pub running: Option<String>,
    /// Kernel releases installed under /lib/modules (or /usr/lib/modules), sorted.
    #[serde(default)]
    pub installed: Vec<String>,
}

/// Where sshd's configuration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SshdSource {
    /// `sshd -T`: the daemon's own effective configuration (defaults included).
    #[serde(rename = "sshd -T")]
    SshdT,
    /// /etc/ssh/sshd_config parsed with its Include files; global settings only (first
    /// value wins, as in sshd), `Match` blocks kept apart; defaults NOT filled in.
    #[serde(rename = "sshd_config")]
    SshdConfig,
}

/// sshd's configuration, keywords lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshdConfig {
    /// Where the effective configuration came from.
    pub source: SshdSource,
    /// Keyword -> values in order (keywords such as `hostkey` repeat).
    pub effective: BTreeMap<String, Vec<String>>,
    /// `Match` blocks (sshd_config source only): the criteria line and its settings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<SshdMatch>,
}

/// One `Match` block of sshd_config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshdMatch {
    /// The `Match` line's criteria (`User backup`, `Address 10.0.0.0/8`).
    pub criteria: String,
    /// Keyword -> values inside the block, keywords lower-cased.
    pub settings: BTreeMap<String, Vec<String>>,
}

impl SshdConfig {
    /// The value sshd uses for a keyword (its first value), case-insensitive keyword.
    pub fn get(&self, keyword: &str) -> Option<&str> {
        self.effective
            .get(&keyword.to_ascii_lowercase())
            .and_then(|v| v.first())
            .map(String::as_str)
    }
}

/// Owner and permission bits of a path (not following a final symlink).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMode {
    /// Absolute path on the host.
    pub path: String,
    /// Permission bits including setuid/setgid/sticky (`0o1777` for /tmp), as a number.
    pub mode: u32,
    /// Owner's numeric user id.
    pub uid: u32,
    /// Owner's numeric group id.
    pub gid: u32,
    /// `file`, `dir`, `symlink` or `other`.
    pub kind: String,
}

/// Something that could not be read: the path or command, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Warning {
    /// The file, directory or command that could not be read.
    pub source: String,
    /// Why (the OS error or the command's failure).
    pub reason: String,
}

impl Warning {
    /// A warning about `source` with its `reason`.
    pub fn new(source: impl Into<String>, reason: impl Into<String>) -> Warning {
        Warning {
            source: source.into(),
            reason: reason.into(),
        }
    }
}

/// Configuration files collected into `files` when present.
pub const CONFIG_FILES: &[&str] = &[
    "/etc/login.defs",
    "/etc/pam.d/common-password",
    "/etc/pam.d/common-auth",
    "/etc/pam.d/system-auth",
    "/etc/pam.d/password-auth",
    "/etc/security/pwquality.conf",
    "/etc/ssh/sshd_config",
    "/etc/fstab",
    "/etc/sysctl.conf",
    "/etc/crontab",
    "/etc/passwd",
    "/etc/group",
    "/etc/modprobe.d/blacklist.conf",
];

/// Directories whose regular files (one level, `*.conf` where a suffix is given) are
/// collected into `files`: (directory, required suffix).
pub const CONFIG_GLOBS: &[(&str, &str)] = &[
    ("/etc/sysctl.d", ".conf"),
    ("/usr/lib/sysctl.d", ".conf"),
    ("/etc/ssh/sshd_config.d", ".conf"),
    ("/etc/security/pwquality.conf.d", ".conf"),
    ("/etc/modprobe.d", ".conf"),
];

/// Kernel parameters read from /proc/sys on a live host.
pub const SYSCTLS: &[&str] = &[
    "kernel.randomize_va_space",
    "kernel.dmesg_restrict",
    "kernel.kptr_restrict",
    "kernel.yama.ptrace_scope",
    "fs.suid_dumpable",
    "fs.protected_hardlinks",
    "fs.protected_symlinks",
    "net.ipv4.ip_forward",
    "net.ipv4.conf.all.accept_redirects",
    "net.ipv4.conf.default.accept_redirects",
    "net.ipv4.conf.all.secure_redirects",
    "net.ipv4.conf.default.secure_redirects",
    "net.ipv4.conf.all.send_redirects",
    "net.ipv4.conf.default.send_redirects",
    "net.ipv4.conf.all.accept_source_route",
    "net.ipv4.conf.default.accept_source_route",
    "net.ipv4.conf.all.rp_filter",
    "net.ipv4.conf.default.rp_filter",
    "net.ipv4.conf.all.log_martians",
    "net.ipv4.conf.default.log_martians",
    "net.ipv4.icmp_echo_ignore_broadcasts",
    "net.ipv4.icmp_ignore_bogus_error_responses",
    "net.ipv4.tcp_syncookies",
    "net.ipv6.conf.all.forwarding",
    "net.ipv6.conf.all.accept_redirects",
    "net.ipv6.conf.default.accept_redirects",
    "net.ipv6.conf.all.accept_source_route",
    "net.ipv6.conf.default.accept_source_route",
    "net.ipv6.conf.all.accept_ra",
    "net.ipv6.conf.default.accept_ra",
];

/// System files and directories whose owner and mode are collected; entries ending in
/// `/*` mean every entry directly inside that directory as well as the directory.
pub const PERMISSION_PATHS: &[&str] = &[
    "/etc/passwd",
    "/etc/passwd-",
    "/etc/shadow",
    "/etc/shadow-",
    "/etc/group",
    "/etc/group-",
    "/etc/gshadow",
    "/etc/gshadow-",
    "/etc/ssh/sshd_config",
    "/etc/ssh/*",
    "/tmp",
    "/var/tmp",
    "/dev/shm",
    "/root",
    "/home",
    "/etc/crontab",
    "/etc/cron.d",
    "/etc/cron.hourly",
    "/etc/cron.daily",
    "/etc/cron.weekly",
    "/etc/cron.monthly",
    "/etc/at.allow",
    "/etc/cron.allow",
    "/boot/grub/grub.cfg",
    "/boot/grub2/grub.cfg",
];

/// Package names of insecure clients and servers (clear-text or trust-the-network
/// protocols), matched exactly against installed OS package names.
pub const INSECURE_PACKAGES: &[&str] = &[
    "telnet",
    "telnetd",
    "telnet-server",
    "inetutils-telnet",
    "inetutils-telnetd",
    "rsh",
    "rsh-client",
    "rsh-server",
    "rsh-redone-client",
    "rsh-redone-server",
    "ftp",
    "inetutils-ftp",
    "vsftpd",
    "tftp",
    "tftp-hpa",
    "tftpd-hpa",
    "tftp-server",
    "xinetd",
    "inetutils-inetd",
    "openbsd-inetd",
    "ypbind",
    "ypserv",
    "nis",
    "talk",
    "talkd",
    "talk-server",
    "rsync-daemon",
];
