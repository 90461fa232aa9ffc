//! `cis-tmp-partition`: /tmp is not a separate partition (CIS 1.1.2.1.1).
use kensa_model::Severity;

use super::tmp::tmp_mount;
use crate::{Outcome, Package};

crate::host_rule! {
    /// ## Description
    /// /tmp must be its own filesystem: a `/tmp` line in /etc/fstab, or systemd's tmp.mount
    /// enabled (a `local-fs.target.wants/tmp.mount` link under /etc or
    /// /usr/lib/systemd/system, as Amazon Linux 2023 ships). The live mount table is not
    /// read: what fstab and the units say is what the next boot mounts.
    ///
    /// ## Recommendation
    /// Add a `/tmp` line to /etc/fstab (`tmpfs /tmp tmpfs
    /// defaults,rw,nosuid,nodev,noexec,relatime,size=2G 0 0`) or `systemctl unmask
    /// tmp.mount && systemctl enable tmp.mount`.
    pub const RULE: HostRule = HostRule {
        id: "cis-tmp-partition",
        package: Package::Cis,
        control: "1.1.2.1.1",
        title: "/tmp is not a separate partition",
        severity: Severity::Low,
        references: &["https://www.cisecurity.org/benchmark/debian_linux", "https://www.cisecurity.org/benchmark/ubuntu_linux", "https://www.cisecurity.org/benchmark/amazon_linux"],
        evaluate: |f| tmp_mount(f).map_or_else(|o| o, |m| Outcome::passed(m.evidence)),
    };
}
