//! What several rules share: reading one sshd keyword, one sysctl, one login.defs key, a
//! file's mode, a set of packages; each turns "cannot know" into NOT_EVALUATED.
use crate::config;
use crate::facts::{HostFacts, Known};
use crate::rule::Outcome;

/// The value sshd uses for `keyword` and where it comes from; OpenSSH's `default` when the
/// configuration (sshd_config source) does not set it.
pub fn sshd_value(
    facts: &HostFacts,
    keyword: &str,
    default: &str,
) -> Result<(String, String), Outcome> {
    let Some(sshd) = &facts.sshd else {
        return Err(match facts.file("/etc/ssh/sshd_config") {
            Known::Absent if facts.has_package("openssh-server") != Some(true) => {
                Outcome::not_applicable("sshd is not installed (no /etc/ssh/sshd_config)")
            }
            _ => Outcome::not_evaluated(
                "sshd's configuration was not collected or could not be read",
            ),
        });
    };
    match sshd.get(keyword) {
        Some(v) => Ok((v.value.clone(), format!("{}: {keyword} {}", v.at, v.value))),
        None if sshd.source == "sshd -T" => Err(Outcome::not_evaluated(format!(
            "sshd -T printed no {keyword}"
        ))),
        None => Ok((
            default.to_string(),
            format!("{keyword} not set in sshd_config; OpenSSH's default is {default}"),
        )),
    }
}

/// PASSED when `ok(value)` (value lower-cased), FAILED otherwise, with the evidence.
pub fn sshd_check(
    facts: &HostFacts,
    keyword: &str,
    default: &str,
    ok: fn(&str) -> bool,
) -> Outcome {
    match sshd_value(facts, keyword, default) {
        Err(o) => o,
        Ok((value, evidence)) if ok(&value.to_ascii_lowercase()) => Outcome::passed(evidence),
        Ok((_, evidence)) => Outcome::failed(evidence),
    }
}

/// A kernel parameter: the live value when the facts have one, and the value the sysctl
/// configuration sets at boot. `ok` decides each. With `need_config`, a parameter left to
/// the kernel's default in configuration fails (CIS requires it set persistently).
pub fn sysctl_check(
    facts: &HostFacts,
    key: &str,
    need_config: bool,
    ok: fn(&str) -> bool,
) -> Outcome {
    let mut bad = Vec::new();
    let mut good = Vec::new();
    if let Some(live) = &facts.sysctls_live {
        match live.get(key) {
            Some(v) if ok(v) => good.push(format!("running: {key} = {v}")),
            Some(v) => bad.push(format!("running: {key} = {v}")),
            None => good.push(format!("running: this kernel has no {key}")),
        }
    }
    match config::sysctl_configured(facts, key) {
        Err(reason) if facts.sysctls_live.is_some() && !need_config => {
            good.push(format!("configuration not read: {reason}"));
        }
        Err(reason) => return Outcome::not_evaluated(reason),
        Ok(Some(v)) if ok(&v.value) => good.push(format!("{}: {key} = {}", v.at, v.value)),
        Ok(Some(v)) => bad.push(format!("{}: {key} = {}", v.at, v.value)),
        Ok(None) if need_config => {
            bad.push(format!("{key} is not set in any sysctl configuration file"))
        }
        Ok(None) if facts.sysctls_live.is_none() => {
            return Outcome::not_evaluated(format!(
                "{key} is not set in the sysctl configuration and the kernel's value {}",
                facts.origin.no_runtime_reason("live kernel parameters")
            ))
        }
        Ok(None) => {}
    }
    if facts.sysctls_live.is_none() && bad.is_empty() {
        good.push("runtime value not read (no runtime state)".into());
    }
    Outcome::from_lists(bad, good)
}

/// A numeric /etc/login.defs key that must satisfy `ok`; unset is a failure.
pub fn login_defs_check(facts: &HostFacts, key: &str, want: &str, ok: fn(i64) -> bool) -> Outcome {
    match config::login_defs(facts, key) {
        Err(reason) => Outcome::not_evaluated(reason),
        Ok(None) => Outcome::failed(format!("{key} is not set in /etc/login.defs (want {want})")),
        Ok(Some(v)) => match config::as_int(&v) {
            Err(e) => Outcome::failed(e),
            Ok(n) if ok(n) => Outcome::passed(format!("{}: {key} {n}", v.at)),
            Ok(n) => Outcome::failed(format!("{}: {key} {n} (want {want})", v.at)),
        },
    }
}

/// The gid of a group named in /etc/group, when the file and the group are known.
pub fn gid_of(facts: &HostFacts, group: &str) -> Option<u32> {
    let Known::Present(text) = facts.file("/etc/group") else {
        return None;
    };
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() >= 3 && f[0] == group)
            .then(|| f[2].parse().ok())
            .flatten()
    })
}

/// A file that must be owned by root, with no permission bits beyond `max_mode`, and
/// group root or one of `groups`.
pub fn file_mode_check(facts: &HostFacts, path: &str, max_mode: u32, groups: &[&str]) -> Outcome {
    let m = match facts.mode(path) {
        Known::Present(m) => m,
        Known::Absent => return Outcome::not_applicable(format!("{path} does not exist")),
        Known::Unknown => {
            return Outcome::not_evaluated(format!("the mode of {path} was not collected"))
        }
    };
    let mut bad = Vec::new();
    let shown = format!("{path}: mode {:04o}, uid {}, gid {}", m.mode, m.uid, m.gid);
    if m.mode & !max_mode != 0 {
        bad.push(format!("{shown} (want {max_mode:04o} or stricter)"));
    }
    if m.uid != 0 {
        bad.push(format!("{shown} (want owner root)"));
    }
    let allowed: Vec<u32> = groups.iter().filter_map(|g| gid_of(facts, g)).collect();
    if m.gid != 0 && !allowed.contains(&m.gid) {
        bad.push(format!(
            "{shown} (want group root{})",
            groups
                .iter()
                .map(|g| format!(" or {g}"))
                .collect::<String>()
        ));
    }
    Outcome::from_lists(bad, vec![shown])
}

/// FAILED naming each installed package of `names`, PASSED when none is.
pub fn packages_absent(facts: &HostFacts, names: &[&str]) -> Outcome {
    match facts.installed_among(names) {
        None => Outcome::not_evaluated(
            "the installed packages are unknown (no package database was read)",
        ),
        Some(found) if found.is_empty() => {
            Outcome::passed(format!("none of {} is installed", names.join(", ")))
        }
        Some(found) => Outcome::Failed {
            evidence: found
                .into_iter()
                .map(|p| crate::Evidence(format!("package {p} is installed")))
                .collect(),
        },
    }
}

/// A numeric pwquality setting (files, then PAM module arguments) with pwquality's
/// `default` when unset; Err when no quality module is in the PAM password stack, or the
/// stack could not be read.
pub fn pwquality_int(facts: &HostFacts, key: &str, default: i64) -> Result<(i64, String), Outcome> {
    let modules = config::pam_password_modules(facts).map_err(Outcome::not_evaluated)?;
    if modules.is_empty() {
        let known = config::PAM_PASSWORD_FILES
            .iter()
            .any(|p| matches!(facts.file(p), Known::Present(_)));
        return Err(if known {
            Outcome::failed(format!(
                "no pam_pwquality or pam_cracklib in the PAM password stack ({})",
                config::PAM_PASSWORD_FILES.join(", ")
            ))
        } else {
            Outcome::not_evaluated("no PAM password stack file was found")
        });
    }
    match config::pwquality(facts, key).map_err(Outcome::not_evaluated)? {
        Some(v) => {
            let n = config::as_int(&v).map_err(Outcome::failed)?;
            Ok((n, format!("{}: {key} = {n}", v.at)))
        }
        None => Ok((
            default,
            format!("{key} not set; pwquality's default is {default}"),
        )),
    }
}

/// The listening sockets, or NOT_EVALUATED when the facts have none (a root filesystem).
pub fn listeners(facts: &HostFacts) -> Result<&[crate::Listener], Outcome> {
    facts.listeners.as_deref().ok_or_else(|| {
        Outcome::not_evaluated(
            facts
                .origin
                .no_runtime_reason("listening sockets and their processes"),
        )
    })
}

/// All of several verdicts: FAILED if any fails (every failing item named), else
/// NOT_EVALUATED if any is, else NOT_APPLICABLE if all are, else PASSED.
pub fn all_of(outcomes: Vec<Outcome>) -> Outcome {
    let mut bad = Vec::new();
    let mut good = Vec::new();
    let mut unknown = Vec::new();
    let mut na = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Failed { evidence } => bad.extend(evidence),
            Outcome::Passed { evidence } => good.extend(evidence),
            Outcome::NotEvaluated { reason } => unknown.push(reason),
            Outcome::NotApplicable { reason } => na.push(reason),
        }
    }
    if !bad.is_empty() {
        Outcome::Failed { evidence: bad }
    } else if !unknown.is_empty() {
        Outcome::not_evaluated(unknown.join("; "))
    } else if good.is_empty() {
        Outcome::not_applicable(na.join("; "))
    } else {
        Outcome::Passed { evidence: good }
    }
}
