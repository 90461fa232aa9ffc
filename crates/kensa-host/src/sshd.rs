//! sshd_config as sshd reads it: `Include` expanded in place (globs sorted), the first
//! value of a keyword wins, settings inside `Match` blocks are conditional and left out.
use std::collections::BTreeMap;

use crate::facts::{SshdSettings, Value};

const MAIN: &str = "/etc/ssh/sshd_config";
/// sshd refuses deeper nesting too; this also stops an Include loop.
const MAX_DEPTH: usize = 16;

/// Parses sshd_config and its includes from `files` (absolute path -> content).
/// `None` when sshd_config is not among the files.
pub fn parse(files: &BTreeMap<String, String>, warnings: &mut Vec<String>) -> Option<SshdSettings> {
    let text = files.get(MAIN)?;
    let mut settings = BTreeMap::new();
    let mut in_match = false;
    read(files, MAIN, text, 0, &mut in_match, &mut settings, warnings);
    Some(SshdSettings {
        source: "sshd_config".into(),
        settings,
    })
}

fn read(
    files: &BTreeMap<String, String>,
    path: &str,
    text: &str,
    depth: usize,
    in_match: &mut bool,
    settings: &mut BTreeMap<String, Value>,
    warnings: &mut Vec<String>,
) {
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = split_keyword(line);
        let key = key.to_ascii_lowercase();
        if key == "match" {
            *in_match = true;
            continue;
        }
        if key == "include" {
            if depth >= MAX_DEPTH {
                warnings.push(format!("{path}:{}: Include nested too deeply", n + 1));
                continue;
            }
            for pattern in value.split_whitespace() {
                for (inc, inc_text) in expand(files, pattern) {
                    read(
                        files,
                        &inc,
                        inc_text,
                        depth + 1,
                        in_match,
                        settings,
                        warnings,
                    );
                }
            }
            continue;
        }
        if *in_match || value.is_empty() {
            continue;
        }
        settings.entry(key).or_insert_with(|| Value {
            value: value.trim_matches('"').to_string(),
            at: format!("{path}:{}", n + 1),
        });
    }
}

/// `Keyword value` or `Keyword=value`.
fn split_keyword(line: &str) -> (&str, &str) {
    let end = line
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(line.len());
    let rest = line[end..].trim_start();
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
    (&line[..end], rest)
}

/// The files an Include pattern names, in name order (relative patterns are under
/// /etc/ssh, as sshd resolves them). Only `*` in the last component is supported, which
/// is what distributions ship.
fn expand<'a>(files: &'a BTreeMap<String, String>, pattern: &str) -> Vec<(String, &'a str)> {
    let pattern = if pattern.starts_with('/') {
        pattern.to_string()
    } else {
        format!("/etc/ssh/{pattern}")
    };
    let (dir, name) = pattern.rsplit_once('/').unwrap_or(("", &pattern));
    let (prefix, suffix) = name.split_once('*').unwrap_or((name, ""));
    let exact = !name.contains('*');
    files
        .iter()
        .filter(|(p, _)| {
            let Some((d, n)) = p.rsplit_once('/') else {
                return false;
            };
            d == dir
                && if exact {
                    n == name
                } else {
                    n.starts_with(prefix)
                        && n.ends_with(suffix)
                        && n.len() >= prefix.len() + suffix.len()
                }
        })
        .map(|(p, t)| (p.clone(), t.as_str()))
        .collect()
}
