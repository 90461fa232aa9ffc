//! `sbp-dep`: the kernel does not enforce non-executable memory (NX / DEP).
use kensa_model::Severity;

use crate::config::lines;
use crate::{HostFacts, Known, Outcome, Package};

crate::host_rule! {
    /// ## Description
    /// The kernel must mark data pages non-executable. 64-bit x86 and arm64 kernels always do
    /// (every EC2 processor has the NX bit); a 32-bit x86 kernel does only with PAE. The
    /// architecture comes from the running kernel's release (live telemetry) or from the
    /// installed kernels' /boot/config-* (`CONFIG_X86_64`, `CONFIG_ARM64`, `CONFIG_X86_PAE`).
    /// `noexec=off` or `noexec32=off` on the kernel command line (/etc/default/grub)
    /// turns the protection off and fails.
    ///
    /// ## Recommendation
    /// Run a 64-bit (or 32-bit PAE) kernel and remove `noexec=off` / `noexec32=off` from
    /// `GRUB_CMDLINE_LINUX` in /etc/default/grub, then regenerate the GRUB configuration.
    pub const RULE: HostRule = HostRule {
        id: "sbp-dep",
        package: Package::SecurityBestPractices,
        control: "Enable DEP",
        title: "Data execution prevention (NX) is not enforced",
        severity: Severity::Medium,
        references: &["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
        evaluate: evaluate,
    };
}

fn evaluate(facts: &HostFacts) -> Outcome {
    let mut bad = Vec::new();
    if let Known::Present(grub) = facts.file("/etc/default/grub") {
        for (n, line) in lines(grub) {
            if line.starts_with("GRUB_CMDLINE_LINUX")
                && line.split(|c: char| c.is_whitespace() || c == '"').any(|w| w == "noexec=off" || w == "noexec32=off")
            {
                bad.push(format!("/etc/default/grub:{n}: {line}"));
            }
        }
    }
    let arch = arch_evidence(facts);
    match arch {
        Err(reason) if bad.is_empty() => Outcome::not_evaluated(reason),
        Err(_) => Outcome::from_lists(bad, vec![]),
        Ok((true, ev)) => Outcome::from_lists(bad, vec![ev]),
        Ok((false, ev)) => {
            bad.push(ev);
            Outcome::from_lists(bad, vec![])
        }
    }
}

/// (NX enforced by the architecture, evidence) from the running kernel or /boot/config-*.
fn arch_evidence(facts: &HostFacts) -> Result<(bool, String), String> {
    if let Some(release) = &facts.kernel_running {
        for tag in ["x86_64", "amd64", "aarch64", "arm64"] {
            if release.contains(tag) {
                return Ok((true, format!("running kernel {release} is 64-bit ({tag}): NX always enforced")));
            }
        }
        // Debian's 32-bit flavours: `-686` has no PAE (no NX), `-686-pae` has.
        if release.ends_with("-686") || release.ends_with("-486") {
            return Ok((false, format!("running kernel {release} is 32-bit without PAE: no NX")));
        }
        if release.ends_with("-686-pae") {
            return Ok((true, format!("running kernel {release} is 32-bit with PAE")));
        }
    }
    let configs: Vec<(&String, &String)> = facts
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("/boot/config-"))
        .collect();
    let mut verdict = None;
    for (path, text) in configs {
        let has = |opt: &str| text.lines().any(|l| l.trim() == format!("{opt}=y"));
        let this = if has("CONFIG_X86_64") || has("CONFIG_ARM64") {
            (true, format!("{path}: 64-bit kernel, NX always enforced"))
        } else if has("CONFIG_X86_PAE") {
            (true, format!("{path}: CONFIG_X86_PAE=y"))
        } else if has("CONFIG_X86_32") {
            (false, format!("{path}: 32-bit kernel without PAE cannot use NX"))
        } else {
            continue;
        };
        // One kernel without NX is enough to fail: it may be the one booted.
        if !this.0 || verdict.is_none() {
            verdict = Some(this);
        }
    }
    verdict.ok_or_else(|| {
        "the kernel's architecture is unknown (no running kernel release, no /boot/config-*)".to_string()
    })
}
