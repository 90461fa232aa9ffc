//! Readers of the configuration files the rules share: login.defs, sysctl.d, pwquality
//! and PAM, fstab. Each returns where a value was read, for the evidence.
use crate::facts::{HostFacts, Known, Value};

/// Lines that are not blank or comments, with their 1-based numbers.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(n, l)| (n + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
}

/// A file that must be read: its text, `Ok(None)` when absent, `Err(reason)` when unknown.
pub fn require<'a>(facts: &'a HostFacts, path: &str) -> Result<Option<&'a str>, String> {
    match facts.file(path) {
        Known::Present(t) => Ok(Some(t)),
        Known::Absent => Ok(None),
        Known::Unknown => Err(format!("{path} was not collected or could not be read")),
    }
}

/// A `KEY value` of /etc/login.defs (the last occurrence, as shadow-utils reads it).
pub fn login_defs(facts: &HostFacts, key: &str) -> Result<Option<Value>, String> {
    let path = "/etc/login.defs";
    let Some(text) = require(facts, path)? else {
        return Err(format!("{path} is absent"));
    };
    Ok(lines(text)
        .filter_map(|(n, l)| {
            let mut it = l.split_whitespace();
            (it.next() == Some(key)).then(|| Value {
                value: it.next().unwrap_or("").to_string(),
                at: format!("{path}:{n}"),
            })
        })
        .last())
}

/// The files systemd-sysctl reads, in the order it applies them: `*.conf` of
/// /usr/lib/sysctl.d, /run/sysctl.d and /etc/sysctl.d sorted by file name (a name in
/// /etc hides the same name in /usr/lib), then /etc/sysctl.conf.
fn sysctl_files(facts: &HostFacts) -> Result<Vec<(&str, &str)>, String> {
    let mut by_name: std::collections::BTreeMap<&str, (&str, &str)> = Default::default();
    for dir in ["/usr/lib/sysctl.d", "/run/sysctl.d", "/etc/sysctl.d"] {
        let Some(files) = facts.conf_dir(dir) else {
            if dir == "/etc/sysctl.d" {
                return Err(format!("{dir} was not collected"));
            }
            continue;
        };
        for (path, text) in files {
            let name = path.rsplit('/').next().unwrap_or(path);
            by_name.insert(name, (path, text));
        }
    }
    let mut out: Vec<(&str, &str)> = by_name.into_values().collect();
    if let Some(text) = require(facts, "/etc/sysctl.conf")? {
        out.push(("/etc/sysctl.conf", text));
    }
    Ok(out)
}

/// The value a kernel parameter gets at boot from the sysctl configuration (the last
/// assignment wins); `Ok(None)` when no file sets it.
pub fn sysctl_configured(facts: &HostFacts, key: &str) -> Result<Option<Value>, String> {
    let key_slash = key.replace('.', "/");
    let mut found = None;
    for (path, text) in sysctl_files(facts)? {
        for (n, line) in lines(text) {
            let line = line.strip_prefix('-').unwrap_or(line);
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let k = k.trim();
            if k == key || k == key_slash {
                found = Some(Value {
                    value: v.trim().to_string(),
                    at: format!("{path}:{n}"),
                });
            }
        }
    }
    Ok(found)
}

/// `key = value` settings of pwquality: /etc/security/pwquality.conf, then its `.d`
/// files, then the arguments of `pam_pwquality.so` / `pam_cracklib.so` in the PAM password
/// stack (module arguments override the files).
pub fn pwquality(facts: &HostFacts, key: &str) -> Result<Option<Value>, String> {
    let mut found = None;
    let mut sources: Vec<(&str, &str)> = Vec::new();
    if let Some(t) = require(facts, "/etc/security/pwquality.conf")? {
        sources.push(("/etc/security/pwquality.conf", t));
    }
    sources.extend(
        facts
            .conf_dir("/etc/security/pwquality.conf.d")
            .unwrap_or_default(),
    );
    for (path, text) in sources {
        for (n, line) in lines(text) {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == key {
                    found = Some(Value {
                        value: v.trim().to_string(),
                        at: format!("{path}:{n}"),
                    });
                }
            }
        }
    }
    for (path, n, args) in pam_password_modules(facts)? {
        for arg in args {
            if let Some(v) = arg.strip_prefix(&format!("{key}=")) {
                found = Some(Value {
                    value: v.to_string(),
                    at: format!("{path}:{n}"),
                });
            }
        }
    }
    Ok(found)
}

/// The PAM password-stack files of Debian/Ubuntu and of Red Hat-like systems.
pub const PAM_PASSWORD_FILES: &[&str] = &[
    "/etc/pam.d/common-password",
    "/etc/pam.d/system-auth",
    "/etc/pam.d/password-auth",
];

/// A `password` line calling pam_pwquality or pam_cracklib: file, line, arguments.
pub type PamModuleLine<'a> = (&'a str, usize, Vec<&'a str>);

/// The `password` lines calling pam_pwquality or pam_cracklib.
pub fn pam_password_modules(facts: &HostFacts) -> Result<Vec<PamModuleLine<'_>>, String> {
    let mut out = Vec::new();
    for path in PAM_PASSWORD_FILES {
        let Some(text) = require(facts, path)? else {
            continue;
        };
        for (n, line) in lines(text) {
            let mut words = line.split_whitespace();
            if words.next() != Some("password") {
                continue;
            }
            let rest: Vec<&str> = words.collect();
            let Some(i) = rest
                .iter()
                .position(|w| w.contains("pam_pwquality.so") || w.contains("pam_cracklib.so"))
            else {
                continue;
            };
            out.push((*path, n, rest[i + 1..].to_vec()));
        }
    }
    Ok(out)
}

/// The fstab entry for a mount point: (line number, device, fstype, options).
pub fn fstab_entry<'a>(
    text: &'a str,
    mount_point: &str,
) -> Option<(usize, &'a str, &'a str, &'a str)> {
    lines(text).find_map(|(n, l)| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.len() >= 4 && f[1] == mount_point).then(|| (n, f[0], f[2], f[3]))
    })
}

/// An integer setting, or a reason it is not one.
pub fn as_int(v: &Value) -> Result<i64, String> {
    v.value
        .parse()
        .map_err(|_| format!("{}: `{}` is not a number", v.at, v.value))
}
