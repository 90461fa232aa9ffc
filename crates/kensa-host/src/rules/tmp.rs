//! /tmp as its own filesystem: from /etc/fstab or systemd's tmp.mount.
use crate::config::{fstab_entry, require};
use crate::{HostFacts, Known, Outcome};

/// Where systemd's tmp.mount is enabled.
pub const TMP_MOUNT_WANTS: &[&str] = &[
    "/etc/systemd/system/local-fs.target.wants/tmp.mount",
    "/usr/lib/systemd/system/local-fs.target.wants/tmp.mount",
];

/// systemd's tmp.mount options (systemd 249 and later ship these).
const TMP_MOUNT_OPTIONS: &str = "mode=1777,strictatime,nosuid,nodev,size=50%,nr_inodes=1m";

/// How /tmp is mounted at boot.
pub struct TmpMount {
    pub evidence: String,
    pub options: Vec<String>,
}

/// /tmp's mount, or FAILED when it is not separate, NOT_EVALUATED when unknown.
pub fn tmp_mount(facts: &HostFacts) -> Result<TmpMount, Outcome> {
    let fstab = require(facts, "/etc/fstab").map_err(Outcome::not_evaluated)?;
    if let Some((n, dev, fstype, opts)) = fstab.and_then(|t| fstab_entry(t, "/tmp")) {
        return Ok(TmpMount {
            evidence: format!("/etc/fstab:{n}: {dev} /tmp {fstype} {opts}"),
            options: opts.split(',').map(String::from).collect(),
        });
    }
    let mut unknown = false;
    for link in TMP_MOUNT_WANTS {
        match facts.mode(link) {
            Known::Present(_) => {
                return Ok(TmpMount {
                    evidence: format!("{link}: systemd tmp.mount enabled ({TMP_MOUNT_OPTIONS})"),
                    options: TMP_MOUNT_OPTIONS.split(',').map(String::from).collect(),
                })
            }
            Known::Unknown => unknown = true,
            Known::Absent => {}
        }
    }
    if unknown {
        return Err(Outcome::not_evaluated(
            "no /tmp line in /etc/fstab, and whether systemd's tmp.mount is enabled was not collected",
        ));
    }
    Err(Outcome::failed(
        "no /tmp line in /etc/fstab and systemd's tmp.mount is not enabled",
    ))
}

/// A mount option /tmp must have, when /tmp is separate.
pub fn tmp_option(facts: &HostFacts, option: &str) -> Outcome {
    match tmp_mount(facts) {
        Err(Outcome::Failed { .. }) => Outcome::not_applicable("/tmp is not a separate filesystem"),
        Err(o) => o,
        Ok(m) if m.options.iter().any(|o| o == option) => Outcome::passed(m.evidence),
        Ok(m) => Outcome::failed(format!("{} (no {option})", m.evidence)),
    }
}

/// An sshd time (`90`, `1m`, `1m30s`, `2h`) in seconds.
pub fn seconds(value: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut digits = String::new();
    for c in value.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            'w' => 604800,
            _ => return None,
        };
        total += digits.parse::<u64>().ok()? * unit;
        digits.clear();
    }
    if !digits.is_empty() {
        total += digits.parse::<u64>().ok()?;
    }
    Some(total)
}
