//! Reads a policy file: YAML syntax and field types first (serde, with the line of the
//! error), then the meaning of each policy (known controls that kensa can fix, known
//! exposure classes, a webhook URL, a non-zero rate limit, unique names), each error
//! with its file and line. A file with any error is refused as a whole: remediation must
//! not start from half a policy file.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kensa_model::Severity;
use kensa_net::engine::SourceClass;
use serde::Deserialize;

use super::{Approval, Policy, PolicyMode, PolicyScope, DEFAULT_ALLOW_TAG};

/// One error in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct PolicyError {
    /// The file as given.
    pub file: String,
    /// 1-based line (0 when the file cannot be read).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    policies: Vec<RawPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: String,
    controls: Vec<String>,
    exposures: Option<Vec<String>>,
    min_severity: Option<String>,
    mode: Option<String>,
    #[serde(default)]
    scope: RawScope,
    allow_tags: Option<Vec<String>>,
    #[serde(default)]
    dry_run: bool,
    approval: Option<RawApproval>,
    rate_limit_per_hour: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawScope {
    #[serde(default)]
    accounts: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApproval {
    required: Option<bool>,
    webhook: Option<String>,
}

/// Remediations per hour when a policy does not say.
pub const DEFAULT_RATE_LIMIT: u32 = 10;

/// Reads and validates the policy file at `path`.
pub fn load_policies(path: &Path) -> Result<Vec<Policy>, Vec<PolicyError>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![PolicyError {
            file: file.clone(),
            line: 0,
            message: format!("cannot read the policy file: {e}"),
        }]
    })?;
    parse_policies(&file, &text)
}

/// Parses and validates policy text; `file` names it in errors.
pub fn parse_policies(file: &str, text: &str) -> Result<Vec<Policy>, Vec<PolicyError>> {
    let err = |line: usize, message: String| PolicyError {
        file: file.to_string(),
        line,
        message,
    };
    let raw: RawFile = serde_yaml_ng::from_str(text).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line());
        let message = e.to_string();
        // serde_yaml_ng appends " at line L column C"; the line is already in front.
        let message = message.split(" at line ").next().unwrap_or(&message);
        vec![err(line, message.to_string())]
    })?;
    let starts = item_lines(text);
    let mut errors = Vec::new();
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (i, p) in raw.policies.into_iter().enumerate() {
        let line = starts.get(i).copied().unwrap_or(1);
        let at = |key: &str| key_line(text, line, key);
        let mut bad = |key: &str, m: String| {
            errors.push(err(at(key), format!("policy '{}': {m}", p.name)));
        };
        if p.name.trim().is_empty() {
            bad("name", "name is empty".into());
        } else if !names.insert(p.name.clone()) {
            bad("name", "another policy has this name".into());
        }
        if p.controls.is_empty() {
            bad("controls", "no controls: name the controls to fix".into());
        }
        for c in &p.controls {
            if let Err(m) = check_control(c) {
                bad("controls", m);
            }
        }
        let exposures = match &p.exposures {
            None => vec![SourceClass::Internet],
            Some(list) if list.is_empty() => {
                bad(
                    "exposures",
                    "empty exposures: the policy would never act".into(),
                );
                Vec::new()
            }
            Some(list) => (list.iter())
                .filter_map(|c| class(c).map_err(|m| bad("exposures", m)).ok())
                .collect(),
        };
        let min_severity = p.min_severity.as_ref().and_then(|s| {
            s.parse::<Severity>()
                .map_err(|m| bad("min_severity", m))
                .ok()
        });
        let mode = match p.mode.as_deref().unwrap_or("revoke") {
            "revoke" => PolicyMode::Revoke,
            "narrow" => PolicyMode::Narrow,
            m => {
                bad("mode", format!("unknown mode `{m}` (revoke or narrow)"));
                PolicyMode::Revoke
            }
        };
        let approval = match p.approval {
            Some(RawApproval {
                required: Some(false),
                webhook: Some(_),
            }) => {
                bad("approval", "a webhook with `required: false`".into());
                None
            }
            Some(RawApproval {
                required: Some(false),
                ..
            })
            | None => None,
            Some(RawApproval { webhook, .. }) => {
                if let Some(w) = &webhook {
                    if !(w.starts_with("https://") || w.starts_with("http://")) {
                        bad("webhook", format!("webhook `{w}` is not an http(s) URL"));
                    }
                }
                Some(Approval { webhook })
            }
        };
        let rate_limit_per_hour = p.rate_limit_per_hour.unwrap_or(DEFAULT_RATE_LIMIT);
        if rate_limit_per_hour == 0 {
            bad(
                "rate_limit_per_hour",
                "0 would never remediate: use dry_run".into(),
            );
        }
        let allow_tags = p
            .allow_tags
            .unwrap_or_else(|| vec![DEFAULT_ALLOW_TAG.to_string()]);
        if let Some(t) = allow_tags
            .iter()
            .find(|t| t.is_empty() || t.starts_with('='))
        {
            bad("allow_tags", format!("allow tag `{t}` has no key"));
        }
        out.push(Policy {
            name: p.name,
            controls: p.controls,
            exposures,
            min_severity,
            mode,
            scope: PolicyScope {
                accounts: p.scope.accounts,
                regions: p.scope.regions,
                tags: p.scope.tags,
            },
            allow_tags,
            dry_run: p.dry_run,
            approval,
            rate_limit_per_hour,
            line,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A control kensa's planner can fix: known to kensa-rules, with a fix.
fn check_control(c: &str) -> Result<(), String> {
    match kensa_rules::find_rule(c) {
        None => Err(format!("unknown control `{c}`")),
        Some(r) if r.check.fix.is_none() => Err(format!(
            "control `{c}` ({}) has no fix kensa can apply",
            r.id
        )),
        Some(_) => Ok(()),
    }
}

fn class(c: &str) -> Result<SourceClass, String> {
    match c.to_ascii_lowercase().as_str() {
        "internet" => Ok(SourceClass::Internet),
        "peered-vpc" | "peeredvpc" => Ok(SourceClass::PeeredVPC),
        "vgw" | "vpn" => Ok(SourceClass::VGW),
        "tgw" | "transit-gateway" => Ok(SourceClass::TGW),
        _ => Err(format!(
            "unknown exposure class `{c}` (internet, peered-vpc, vgw, tgw)"
        )),
    }
}

/// The 1-based lines where the items of the `policies` sequence start: the lines with
/// `- ` at the indentation of the first item.
fn item_lines(text: &str) -> Vec<usize> {
    let mut indent = None;
    let mut out = Vec::new();
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if line.starts_with("policies:") {
            inside = true;
            continue;
        }
        if !inside || !(trimmed.starts_with("- ") || trimmed == "-") {
            continue;
        }
        let n = line.len() - trimmed.len();
        if *indent.get_or_insert(n) == n {
            out.push(i + 1);
        }
    }
    out
}

/// The line of `key:` in the item starting at `start` (before the next item), else
/// `start`.
fn key_line(text: &str, start: usize, key: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let first_indent = lines
        .get(start - 1)
        .map_or(0, |l| l.len() - l.trim_start().len());
    for (i, line) in lines.iter().enumerate().skip(start - 1) {
        let t = line.trim_start();
        let n = line.len() - t.len();
        if i + 1 > start && t.starts_with("- ") && n == first_indent {
            break;
        }
        let t = t.trim_start_matches("- ");
        if t.strip_prefix(key).is_some_and(|r| r.starts_with(':')) {
            return i + 1;
        }
    }
    start
}
