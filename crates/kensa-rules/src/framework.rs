//! Frameworks: which controls to run, with which parameters. Three are built in
//! (`fsbp`, `cis-aws-3.0`, `aws-config`); custom ones are YAML:
//!
//! ```yaml
//! id: acme-baseline
//! title: ACME network baseline
//! controls:
//!   - id: NET-1                 # optional: the control id shown in reports
//!     rule: fsbp:EC2.18         # a kensa rule id (or an unambiguous control id)
//!     parameters:
//!       authorizedTcpPorts: "443, 8443"
//!   - rule: restricted-ssh
//! ```
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use crate::error::{RulesError, YamlError};
use crate::framework_ids::{AWS_CONFIG, CIS, FSBP};
use crate::params::Params;
use crate::rule::Rule;
use crate::{find_rule, rules, yaml};

#[derive(Debug, Clone)]
pub struct Framework {
    pub id: String,
    pub title: String,
    pub controls: Vec<FrameworkControl>,
}

#[derive(Debug, Clone)]
pub struct FrameworkControl {
    pub control: String,
    pub rule: &'static Rule,
    pub params: Params,
}

/// The built-in frameworks' ids and titles.
pub const BUILTIN: [(&str, &str); 3] = [
    (FSBP, "AWS Foundational Security Best Practices (EC2)"),
    (
        CIS,
        "CIS AWS Foundations Benchmark v3.0.0, section 5 (Networking)",
    ),
    (AWS_CONFIG, "AWS Config managed rules (EC2 and VPC)"),
];

/// A built-in framework: every registered rule of it, with default parameters, in control
/// order (`EC2.2` before `EC2.10`).
pub fn builtin(id: &str) -> Option<Framework> {
    let (id, title) = BUILTIN.iter().find(|(i, _)| i.eq_ignore_ascii_case(id))?;
    let mut controls: Vec<FrameworkControl> = rules::RULES
        .iter()
        .filter(|r| r.framework == *id)
        .map(|r| FrameworkControl {
            control: r.control.to_string(),
            rule: r,
            params: Params::defaults(r.params),
        })
        .collect();
    controls.sort_by_key(|c| control_sort_key(&c.control));
    Some(Framework {
        id: id.to_string(),
        title: title.to_string(),
        controls,
    })
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
        return Ok(parse(&path.display().to_string(), &text)?);
    }
    Err(RulesError::UnknownFramework(name.to_string()))
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
    rule: String,
    #[serde(default)]
    parameters: BTreeMap<String, serde_yaml_ng::Value>,
}

/// Parses a custom framework; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Framework, YamlError> {
    let raw: FileFormat = yaml::parse(file, text)?;
    let err = |n: usize, key: &str, line_key: Option<&str>, message: String| YamlError {
        file: file.to_string(),
        line: yaml::locate(text, "controls", n, line_key),
        key: key.to_string(),
        message,
    };
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
        let rule = find_rule(&c.rule).ok_or_else(|| {
            err(
                n,
                &format!("controls[{n}].rule"),
                Some("rule"),
                format!("unknown rule `{}` (see `kensa rules list`)", c.rule),
            )
        })?;
        let mut given = BTreeMap::new();
        for (k, v) in &c.parameters {
            let key = format!("controls[{n}].parameters.{k}");
            let value = scalar(v)
                .ok_or_else(|| err(n, &key, Some(k), "expected a number or a string".into()))?;
            given.insert(k.clone(), value);
        }
        let params = Params::validate(rule.id, rule.params, &given).map_err(|e| {
            err(
                n,
                &format!("controls[{n}].parameters.{}", e.key),
                Some(&e.key),
                e.message,
            )
        })?;
        let control = c.id.clone().unwrap_or_else(|| rule.id.to_string());
        if let Some(first) = ids.insert(control.clone(), n) {
            let line = yaml::locate(text, "controls", first, None);
            return Err(err(
                n,
                &format!("controls[{n}].id"),
                Some("id"),
                format!(
                    "duplicated control id `{control}` (first at line {line}, controls[{first}])"
                ),
            ));
        }
        controls.push(FrameworkControl {
            control,
            rule,
            params,
        });
    }
    Ok(Framework {
        title: raw.title.unwrap_or_else(|| raw.id.clone()),
        id: raw.id,
        controls,
    })
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
mod tests {
    use super::*;

    #[test]
    fn builtin_frameworks_are_ordered_by_control_number() {
        let f = builtin("fsbp").unwrap();
        let ids: Vec<&str> = f.controls.iter().map(|c| c.control.as_str()).collect();
        assert_eq!(&ids[..4], ["EC2.1", "EC2.2", "EC2.3", "EC2.6"]);
        assert_eq!(ids.last(), Some(&"EC2.182"));
        assert_eq!(builtin("cis-aws-3.0").unwrap().controls.len(), 6);
        assert_eq!(builtin("aws-config").unwrap().controls.len(), 12);
    }

    #[test]
    fn custom_framework_with_parameters() {
        let text = "id: acme\ncontrols:\n  - id: NET-1\n    rule: fsbp:EC2.18\n    parameters:\n      authorizedTcpPorts: [443, 8443]\n  - rule: restricted-ssh\n";
        let f = parse("acme.yaml", text).unwrap();
        assert_eq!(f.controls[0].control, "NET-1");
        assert_eq!(
            f.controls[0].params.get("authorizedTcpPorts"),
            Some("443, 8443")
        );
        assert_eq!(f.controls[1].rule.id, "aws-config:restricted-ssh");
    }

    #[test]
    fn duplicated_control_ids_are_an_error() {
        let text = "id: acme\ncontrols:\n  - id: NET-1\n    rule: fsbp:EC2.18\n  - rule: restricted-ssh\n  - id: NET-1\n    rule: fsbp:EC2.19\n";
        let e = parse("f.yaml", text).unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (6, "controls[2].id"), "{e}");
        assert!(
            e.message
                .contains("duplicated control id `NET-1` (first at line 3"),
            "{e}"
        );
        // Two entries of the same rule without ids collide on the rule's id.
        let text = "id: acme\ncontrols:\n  - rule: restricted-ssh\n  - rule: restricted-ssh\n";
        assert!(parse("f.yaml", text).is_err());
    }

    #[test]
    fn twenty_thousand_controls_parse_in_linear_time() {
        let mut text = String::from("id: big\ncontrols:\n");
        for i in 0..20_000 {
            text.push_str(&format!("  - id: C-{i}\n    rule: fsbp:EC2.19\n"));
        }
        let f = parse("big.yaml", &text).unwrap();
        assert_eq!(f.controls.len(), 20_000);
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let text = "id: acme\ncontrols:\n  - rule: fsbp:EC2.18\n  - rule: fsbp:EC2.19\n    parameters:\n      ports: 22\n";
        let e = parse("acme.yaml", text).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("acme.yaml", 6), "{e}");
        assert_eq!(e.key, "controls[1].parameters.ports");

        let text = "id: acme\ncontrols:\n  - rule: fsbp:EC2.18\n    parameters:\n      authorizedTcpPorts: 99999\n";
        let e = parse("acme.yaml", text).unwrap_err();
        assert_eq!(
            (e.line, e.key.as_str()),
            (5, "controls[0].parameters.authorizedTcpPorts"),
            "{e}"
        );

        let text = "id: acme\ncontrols:\n  - rule: no-such-rule\n";
        let e = parse("acme.yaml", text).unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (3, "controls[0].rule"), "{e}");

        let text = "id: acme\ncontrols:\n  - rule: fsbp:EC2.18\n    paramters: {}\n";
        let e = parse("acme.yaml", text).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.key.ends_with("paramters"), "{e}");
    }
}
