//! Frameworks: tables of controls, each decided by one check. The built-in tables
//! (`src/frameworks/*.yaml`) and custom ones are the same YAML form:
//!
//! ```yaml
//! id: acme-baseline
//! title: ACME network baseline
//! controls:
//!   - id: NET-1                          # the control id shown in reports
//!     title: No SSH from the Internet    # optional for a custom control (the check's)
//!     severity: High                     # optional for a custom control (the check's)
//!     check: sg-ssh-open-to-world        # a check name (`kensa rules checks`)
//!     references: [https://wiki.acme.example/net-1]
//!     parameters: {}
//!   - id: NET-2
//!     rule: fsbp:EC2.18                  # or: a built-in control, with its parameters
//!     parameters:
//!       authorizedTcpPorts: "443, 8443"
//! ```
//!
//! A control naming a `check` gets the rule id `<framework>:<control>`; one naming a
//! built-in `rule` keeps that rule's id (and so its findings' ids).
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use kensa_model::Severity;
use serde::Deserialize;

use crate::error::{RulesError, YamlError};
use crate::params::Params;
use crate::registry::{find_check, find_rule};
use crate::rule::Rule;
use crate::yaml;

/// A framework: which controls to run, each a rule with its parameters.
#[derive(Debug, Clone)]
pub struct Framework {
    /// `fsbp`, `cis-aws-3.0`, or a custom framework's `id`.
    pub id: String,
    /// The framework's title, for reports.
    pub title: String,
    /// The controls, in report order.
    pub controls: Vec<FrameworkControl>,
}

/// One control of a framework.
#[derive(Debug, Clone)]
pub struct FrameworkControl {
    /// The control id shown in reports.
    pub control: String,
    /// The rule that decides it.
    pub rule: Rule,
    /// The parameters it runs with.
    pub params: Params,
}

/// A built-in framework (`fsbp`, `cis-aws-3.0`, ...; case-insensitive), controls in
/// control order (`EC2.2` before `EC2.10`).
pub fn builtin(id: &str) -> Option<Framework> {
    let table = crate::registry::frameworks()
        .iter()
        .find(|f| f.id.eq_ignore_ascii_case(id))?;
    let mut f = table.clone();
    f.controls.sort_by_key(|c| control_sort_key(&c.control));
    Some(f)
}

/// `EC2.19` → ("EC2.", [19]); `5.10` → ("", [5, 10]): numeric parts compare as numbers.
fn control_sort_key(control: &str) -> (String, Vec<u32>, String) {
    let prefix: String = control
        .chars()
        .take_while(|c| !c.is_ascii_digit())
        .collect();
    let nums = control[prefix.len()..]
        .split('.')
        .map(|n| n.parse().unwrap_or(u32::MAX))
        .collect();
    (prefix, nums, control.to_string())
}

/// A built-in framework id, or the path of a YAML framework file.
pub fn resolve(name: &str) -> Result<Framework, RulesError> {
    if let Some(f) = builtin(name) {
        return Ok(f);
    }
    let path = Path::new(name);
    if path.extension().is_some_and(|e| e == "yaml" || e == "yml") || path.exists() {
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut f = parse(&path.display().to_string(), &text)?;
        for c in &mut f.controls {
            if c.rule.related.is_empty() {
                c.rule.related = crate::registry::related(&c.rule);
            }
        }
        return Ok(f);
    }
    let known: Vec<&str> = crate::registry::frameworks()
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    Err(RulesError::UnknownFramework {
        name: name.to_string(),
        known: known.join(", "),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    id: String,
    #[serde(default)]
    title: Option<String>,
    controls: Vec<ControlEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlEntry {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    check: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    parameters: BTreeMap<String, serde_yaml_ng::Value>,
}

/// Parses a custom framework; `file` names it in errors. Controls may name built-in rules.
pub fn parse(file: &str, text: &str) -> Result<Framework, YamlError> {
    parse_table(file, text, &|id| find_rule(id).cloned())
}

/// Parses a framework table; `lookup` resolves `rule:` references (none for built-ins).
pub(crate) fn parse_table(
    file: &str,
    text: &str,
    lookup: &dyn Fn(&str) -> Option<Rule>,
) -> Result<Framework, YamlError> {
    let raw: FileFormat = yaml::parse(file, text)?;
    if raw.controls.is_empty() {
        return Err(YamlError {
            file: file.to_string(),
            line: yaml::locate(text, "controls", 0, None).max(1),
            key: "controls".into(),
            message: "a framework needs at least one control".into(),
        });
    }
    let mut controls = Vec::new();
    // Control ids are how reports, mutes and auditors refer to a control: one each.
    let mut ids: HashMap<String, usize> = HashMap::with_capacity(raw.controls.len());
    for (n, c) in raw.controls.iter().enumerate() {
        let at = |key: &str, line_key: Option<&str>, message: String| YamlError {
            file: file.to_string(),
            line: yaml::locate(text, "controls", n, line_key),
            key: format!("controls[{n}]{key}"),
            message,
        };
        let control = control(&raw.id, c, lookup, &at)?;
        if let Some(first) = ids.insert(control.control.clone(), n) {
            let line = yaml::locate(text, "controls", first, None);
            return Err(at(
                ".id",
                Some("id"),
                format!(
                    "duplicated control id `{}` (first at line {line}, controls[{first}])",
                    control.control
                ),
            ));
        }
        controls.push(control);
    }
    Ok(Framework {
        title: raw.title.unwrap_or_else(|| raw.id.clone()),
        id: raw.id,
        controls,
    })
}

type At<'a> = dyn Fn(&str, Option<&str>, String) -> YamlError + 'a;

fn control(
    framework: &str,
    c: &ControlEntry,
    lookup: &dyn Fn(&str) -> Option<Rule>,
    at: &At<'_>,
) -> Result<FrameworkControl, YamlError> {
    let mut given = BTreeMap::new();
    for (k, v) in &c.parameters {
        let value = scalar(v).ok_or_else(|| {
            at(
                &format!(".parameters.{k}"),
                Some(k),
                "expected a number or a string".into(),
            )
        })?;
        given.insert(k.clone(), value);
    }
    let param_err = |e: crate::error::ParamError| {
        at(&format!(".parameters.{}", e.key), Some(&e.key), e.message)
    };
    match (&c.check, &c.rule) {
        (Some(_), Some(_)) => Err(at(
            "",
            None,
            "give either `check` or `rule`, not both".into(),
        )),
        (None, None) => Err(at(
            ".check",
            None,
            "a control needs a `check` (see `kensa rules checks`) or a `rule`".into(),
        )),
        (None, Some(id)) => {
            let rule = lookup(id).ok_or_else(|| {
                at(
                    ".rule",
                    Some("rule"),
                    format!("unknown rule `{id}` (see `kensa rules list`)"),
                )
            })?;
            let params = rule.params_with(&given).map_err(param_err)?;
            Ok(FrameworkControl {
                control: c.id.clone().unwrap_or_else(|| rule.id.clone()),
                rule,
                params,
            })
        }
        (Some(name), None) => {
            let check = find_check(name).ok_or_else(|| {
                at(
                    ".check",
                    Some("check"),
                    format!("unknown check `{name}` (see `kensa rules checks`)"),
                )
            })?;
            let id = c
                .id
                .clone()
                .ok_or_else(|| at(".id", None, "a control naming a check needs an `id`".into()))?;
            let severity = match &c.severity {
                None => check.severity,
                Some(s) => parse_severity(s).ok_or_else(|| {
                    at(
                        ".severity",
                        Some("severity"),
                        format!("`{s}` is not one of Critical, High, Medium, Low, Informational"),
                    )
                })?,
            };
            let rule_id = format!("{framework}:{id}");
            let defaults = Params::validate(&rule_id, check.params, &given).map_err(param_err)?;
            let rule = Rule {
                id: rule_id,
                framework: framework.to_string(),
                control: id.clone(),
                title: c.title.clone().unwrap_or_else(|| check.title.to_string()),
                severity,
                references: c.references.clone(),
                check,
                defaults: defaults.clone(),
                related: Vec::new(),
            };
            Ok(FrameworkControl {
                control: id,
                rule,
                params: defaults,
            })
        }
    }
}

fn parse_severity(s: &str) -> Option<Severity> {
    Severity::ALL
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
}

fn scalar(v: &serde_yaml_ng::Value) -> Option<String> {
    match v {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        serde_yaml_ng::Value::Sequence(items) => {
            let parts: Option<Vec<String>> = items.iter().map(scalar).collect();
            parts.map(|p| p.join(", "))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
