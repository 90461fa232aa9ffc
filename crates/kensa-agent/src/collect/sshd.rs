//! sshd's configuration: `sshd -T` when it works (the daemon's own answer, defaults
//! included), else /etc/ssh/sshd_config with its `Include` files and `Match` blocks.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use kensa_telemetry::{SshdConfig, SshdMatch, SshdSource, Warning};

/// Include nesting deeper than this is a loop (sshd itself allows 16).
const MAX_INCLUDE_DEPTH: usize = 16;

/// Live host: tries `sshd -T`, then the file. `root` is `/` or a mounted root.
pub fn collect(root: &Path, live: bool, warnings: &mut Vec<Warning>) -> Option<SshdConfig> {
    let config = root.join("etc/ssh/sshd_config");
    if live {
        match sshd_t() {
            Ok(Some(effective)) => {
                return Some(SshdConfig {
                    source: SshdSource::SshdT,
                    effective,
                    matches: vec![],
                })
            }
            Ok(None) => {}
            Err(reason) => warnings.push(Warning::new("sshd -T", reason)),
        }
    }
    if !config.exists() {
        return None; // no sshd installed
    }
    let mut parsed = Parsed::default();
    parse_file(root, &config, 0, &mut parsed, warnings);
    Some(SshdConfig {
        source: SshdSource::SshdConfig,
        effective: parsed.global,
        matches: parsed.matches,
    })
}

/// `Ok(None)`: no sshd binary here.
fn sshd_t() -> Result<Option<BTreeMap<String, Vec<String>>>, String> {
    let Some(bin) = ["/usr/sbin/sshd", "/usr/bin/sshd"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        return Ok(None);
    };
    let out = Command::new(bin)
        .arg("-T")
        .output()
        .map_err(|e| format!("cannot run {bin}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{bin} -T failed ({}): {}; sshd_config parsed instead",
            out.status,
            err.trim()
        ));
    }
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some((k, v)) = line.split_once(' ') {
            map.entry(k.to_ascii_lowercase())
                .or_default()
                .push(v.trim().to_string());
        }
    }
    Ok(Some(map))
}

#[derive(Default)]
struct Parsed {
    global: BTreeMap<String, Vec<String>>,
    matches: Vec<SshdMatch>,
    /// Inside a `Match` block: settings go to the last match until the file ends.
    in_match: bool,
}

fn parse_file(root: &Path, path: &Path, depth: usize, out: &mut Parsed, w: &mut Vec<Warning>) {
    let shown = host_path(root, path);
    if depth > MAX_INCLUDE_DEPTH {
        w.push(Warning::new(shown, "Include nested too deeply (a loop?)"));
        return;
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return w.push(Warning::new(shown, e.to_string())),
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once(|c: char| c.is_whitespace() || c == '=') {
            Some((k, v)) => (
                k.to_ascii_lowercase(),
                v.trim_start_matches(['=', ' ', '\t']),
            ),
            None => (line.to_ascii_lowercase(), ""),
        };
        let value = value.trim().trim_matches('"').to_string();
        match key.as_str() {
            "include" => {
                for file in value.split_whitespace().flat_map(|p| expand(root, p)) {
                    parse_file(root, &file, depth + 1, out, w);
                }
            }
            "match" => {
                out.in_match = true;
                out.matches.push(SshdMatch {
                    criteria: value,
                    settings: BTreeMap::new(),
                });
            }
            _ if out.in_match => {
                let m = out.matches.last_mut().expect("in_match implies a match");
                m.settings.entry(key).or_default().push(value);
            }
            // First value wins in sshd, except keywords that accumulate: all kept.
            _ => out.global.entry(key).or_default().push(value),
        }
    }
}

/// An Include pattern: relative to /etc/ssh, `*` and `?` in the file name only.
fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let absolute = match pattern.strip_prefix('/') {
        Some(p) => root.join(p),
        None => root.join("etc/ssh").join(pattern),
    };
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let Some(name) = name.filter(|n| n.contains(['*', '?'])) else {
        return vec![absolute];
    };
    let dir = absolute.parent().unwrap_or(root).to_path_buf();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| glob_match(&name, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    files.sort(); // sshd reads glob results in lexical order
    files
}

fn glob_match(pattern: &str, name: &str) -> bool {
    match (pattern.chars().next(), name.chars().next()) {
        (None, None) => true,
        (Some('*'), _) => {
            glob_match(&pattern[1..], name)
                || (!name.is_empty()
                    && glob_match(
                        pattern,
                        &name[name.chars().next().map_or(0, char::len_utf8)..],
                    ))
        }
        (Some('?'), Some(c)) => glob_match(&pattern[1..], &name[c.len_utf8()..]),
        (Some(p), Some(c)) if p == c => glob_match(&pattern[p.len_utf8()..], &name[c.len_utf8()..]),
        _ => false,
    }
}

/// The path as it is on the host (without the mounted root's prefix).
pub fn host_path(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => format!("/{}", rel.display()),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_match_and_first_value_wins() {
        let root = tempfile::tempdir().unwrap();
        let ssh = root.path().join("etc/ssh");
        std::fs::create_dir_all(ssh.join("sshd_config.d")).unwrap();
        std::fs::write(
            ssh.join("sshd_config"),
            "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nPasswordAuthentication=no\nMatch User backup\n  PermitRootLogin without-password\n",
        )
        .unwrap();
        std::fs::write(
            ssh.join("sshd_config.d/10-root.conf"),
            "PermitRootLogin no\n",
        )
        .unwrap();
        std::fs::write(
            ssh.join("sshd_config.d/skip.txt"),
            "PermitRootLogin prohibit\n",
        )
        .unwrap();
        let mut w = Vec::new();
        let cfg = collect(root.path(), false, &mut w).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(cfg.source, SshdSource::SshdConfig);
        assert_eq!(cfg.get("PermitRootLogin"), Some("no"));
        assert_eq!(cfg.get("passwordauthentication"), Some("no"));
        assert_eq!(cfg.matches.len(), 1);
        assert_eq!(cfg.matches[0].criteria, "User backup");
    }

    #[test]
    fn include_loop_is_reported() {
        let root = tempfile::tempdir().unwrap();
        let ssh = root.path().join("etc/ssh");
        std::fs::create_dir_all(&ssh).unwrap();
        std::fs::write(ssh.join("sshd_config"), "Include sshd_config\n").unwrap();
        let mut w = Vec::new();
        collect(root.path(), false, &mut w);
        assert!(w.iter().any(|w| w.reason.contains("too deeply")), "{w:?}");
    }
}
