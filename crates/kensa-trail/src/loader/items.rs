//! Reads rule, macro and list items with Falco's define/append/override semantics.

use std::collections::BTreeMap;

use serde_yaml_ng::{Mapping, Value};

use super::yaml::{key_line, scalar, strings, Chunk};
use crate::rules::{Diagnostic, Level};

/// Where an item was defined.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct ListDecl {
    pub items: Vec<String>,
    pub at: Origin,
}

#[derive(Debug, Clone)]
pub struct MacroDecl {
    pub condition: String,
    pub at: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct RuleDecl {
    pub name: String,
    pub desc: Option<String>,
    pub condition: Option<String>,
    pub output: Option<String>,
    pub priority: Option<String>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub exceptions: Vec<Value>,
    pub file: String,
    pub line: usize,
    pub condition_line: usize,
}

/// Everything declared so far, across files, in order.
#[derive(Default)]
pub struct Decls {
    pub lists: BTreeMap<String, ListDecl>,
    pub macros: BTreeMap<String, MacroDecl>,
    pub rules: Vec<RuleDecl>,
    pub diags: Vec<Diagnostic>,
}

const RULE_KEYS: &[&str] = &[
    "rule",
    "desc",
    "condition",
    "output",
    "priority",
    "source",
    "tags",
    "enabled",
    "exceptions",
    "append",
    "override",
    "warn_evttypes",
    "skip-if-unknown-filter",
    "required_engine_version",
];
const PLUGINS: &[&str] = &["cloudtrail", "json"];

/// How a key of an item combines with an earlier definition.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Define,
    Append,
    Replace,
}

impl Decls {
    fn diag(
        &mut self,
        level: Level,
        file: &str,
        line: usize,
        item: Option<String>,
        message: String,
    ) {
        self.diags.push(Diagnostic {
            level,
            file: file.to_string(),
            line,
            item,
            message,
        });
    }

    /// Handles one parsed top-level item.
    pub fn item(&mut self, file: &str, chunk: &Chunk<'_>, map: &Mapping) {
        let line = chunk.line;
        let get = |k: &str| map.get(k);
        if let Some(name) = get("rule") {
            self.rule(file, chunk, map, scalar(name).unwrap_or_default());
        } else if let Some(name) = get("macro") {
            let name = scalar(name).unwrap_or_default();
            let item = Some(format!("macro '{name}'"));
            let Some(cond) = get("condition").and_then(scalar) else {
                return self.diag(
                    Level::Error,
                    file,
                    line,
                    item,
                    "macro has no 'condition'".into(),
                );
            };
            let mode = self.mode(file, line, &item, map, "condition");
            let at = Origin {
                file: file.to_string(),
                line,
            };
            match (mode, self.macros.get_mut(&name)) {
                (Mode::Append, Some(m)) => m.condition = format!("{} {cond}", m.condition),
                (Mode::Append | Mode::Replace, None) => self.diag(
                    Level::Error,
                    file,
                    line,
                    item,
                    "appends to or overrides a macro that is not defined earlier".into(),
                ),
                _ => {
                    self.macros.insert(
                        name,
                        MacroDecl {
                            condition: cond,
                            at,
                        },
                    );
                }
            }
        } else if let Some(name) = get("list") {
            let name = scalar(name).unwrap_or_default();
            let item = Some(format!("list '{name}'"));
            let Some(items) = get("items").and_then(strings) else {
                return self.diag(
                    Level::Error,
                    file,
                    line,
                    item,
                    "list needs 'items', a sequence of strings".into(),
                );
            };
            let mode = self.mode(file, line, &item, map, "items");
            match (mode, self.lists.get_mut(&name)) {
                (Mode::Append, Some(l)) => l.items.extend(items),
                (Mode::Append | Mode::Replace, None) => self.diag(
                    Level::Error,
                    file,
                    line,
                    item,
                    "appends to or overrides a list that is not defined earlier".into(),
                ),
                _ => {
                    let at = Origin {
                        file: file.to_string(),
                        line,
                    };
                    self.lists.insert(name, ListDecl { items, at });
                }
            }
        } else if let Some(v) = get("required_engine_version") {
            if scalar(v).is_none() {
                self.diag(
                    Level::Warning,
                    file,
                    line,
                    None,
                    "required_engine_version is not a version".into(),
                );
            }
        } else if let Some(v) = get("required_plugin_versions") {
            self.plugins(file, line, v);
        } else {
            let keys: Vec<String> = map.keys().filter_map(scalar).collect();
            self.diag(
                Level::Warning,
                file,
                line,
                None,
                format!("unknown item with keys [{}], ignored", keys.join(", ")),
            );
        }
    }

    fn plugins(&mut self, file: &str, line: usize, v: &Value) {
        let Value::Sequence(items) = v else {
            return self.diag(
                Level::Warning,
                file,
                line,
                None,
                "required_plugin_versions is not a sequence".into(),
            );
        };
        for p in items {
            let name = p.get("name").and_then(scalar).unwrap_or_default();
            if !PLUGINS.contains(&name.as_str()) {
                let msg = format!("plugin '{name}' is not provided by kensa (only cloudtrail and json fields are)");
                self.diag(Level::Warning, file, line, None, msg);
            }
        }
    }

    /// append: true, or override: {key: append|replace}, for the main key of a macro/list.
    fn mode(
        &mut self,
        file: &str,
        line: usize,
        item: &Option<String>,
        map: &Mapping,
        key: &str,
    ) -> Mode {
        if map.get("append").and_then(Value::as_bool) == Some(true) {
            return Mode::Append;
        }
        match map
            .get("override")
            .and_then(|o| o.get(key))
            .and_then(Value::as_str)
        {
            Some("append") => Mode::Append,
            Some("replace") => Mode::Replace,
            Some(other) => {
                let msg =
                    format!("override of '{key}' must be 'append' or 'replace', not '{other}'");
                self.diag(Level::Error, file, line, item.clone(), msg);
                Mode::Define
            }
            None => Mode::Define,
        }
    }

    fn rule(&mut self, file: &str, chunk: &Chunk<'_>, map: &Mapping, name: String) {
        let line = chunk.line;
        let item = Some(format!("rule '{name}'"));
        for k in map.keys().filter_map(scalar) {
            if !RULE_KEYS.contains(&k.as_str()) {
                self.diag(
                    Level::Warning,
                    file,
                    line,
                    item.clone(),
                    format!("unknown key '{k}', ignored"),
                );
            }
        }
        let text = |k: &str| map.get(k).and_then(scalar);
        let tags = map.get("tags").map(|t| strings(t).unwrap_or_default());
        let exceptions = match map.get("exceptions") {
            Some(Value::Sequence(s)) => Some(s.clone()),
            Some(_) => {
                self.diag(
                    Level::Error,
                    file,
                    line,
                    item,
                    "'exceptions' must be a sequence".into(),
                );
                return;
            }
            None => None,
        };
        let enabled = match map.get("enabled") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.diag(
                    Level::Error,
                    file,
                    line,
                    item,
                    "'enabled' must be true or false".into(),
                );
                return;
            }
        };
        let existing = self.rules.iter().position(|r| r.name == name);
        let overrides = map.get("override").and_then(Value::as_mapping);
        let legacy_append = map.get("append").and_then(Value::as_bool) == Some(true);
        let only_enabled = map.len() == 2 && enabled.is_some();
        if overrides.is_none() && !legacy_append && !only_enabled {
            let decl = RuleDecl {
                name: name.clone(),
                desc: text("desc"),
                condition: text("condition"),
                output: text("output"),
                priority: text("priority"),
                source: text("source"),
                tags: tags.unwrap_or_default(),
                enabled: enabled.unwrap_or(true),
                exceptions: exceptions.unwrap_or_default(),
                file: file.to_string(),
                line,
                condition_line: key_line(chunk, "condition"),
            };
            match existing {
                Some(i) => self.rules[i] = decl,
                None => self.rules.push(decl),
            }
            return;
        }
        let Some(i) = existing else {
            let msg = "changes a rule (append/override/enabled) that is not defined earlier".into();
            return self.diag(Level::Error, file, line, item, msg);
        };
        let mut modes: Vec<(String, Mode)> = Vec::new();
        if let Some(o) = overrides {
            for (k, v) in o {
                let (Some(k), Some(v)) = (scalar(k), v.as_str()) else {
                    continue;
                };
                let mode = match v {
                    "append" => Mode::Append,
                    "replace" => Mode::Replace,
                    _ => {
                        let msg =
                            format!("override of '{k}' must be 'append' or 'replace', not '{v}'");
                        self.diag(Level::Error, file, line, item.clone(), msg);
                        continue;
                    }
                };
                modes.push((k, mode));
            }
        } else if legacy_append {
            modes.extend(
                ["condition", "exceptions"]
                    .iter()
                    .map(|k| (k.to_string(), Mode::Append)),
            );
        }
        if enabled.is_some() && !modes.iter().any(|(k, _)| k == "enabled") {
            modes.push(("enabled".into(), Mode::Replace));
        }
        let rule = &mut self.rules[i];
        for (k, mode) in modes {
            let join = |old: &mut Option<String>, new: Option<String>| match (mode, new) {
                (Mode::Append, Some(n)) => {
                    *old = Some(format!("{} {n}", old.clone().unwrap_or_default()))
                }
                (_, Some(n)) => *old = Some(n),
                (_, None) => {}
            };
            match k.as_str() {
                "condition" => {
                    join(&mut rule.condition, text("condition"));
                    if map.contains_key("condition") && mode == Mode::Replace {
                        rule.condition_line = key_line(chunk, "condition");
                    }
                }
                "output" => join(&mut rule.output, text("output")),
                "desc" => join(&mut rule.desc, text("desc")),
                "priority" => join(&mut rule.priority, text("priority")),
                "enabled" => rule.enabled = enabled.unwrap_or(rule.enabled),
                "tags" => match mode {
                    Mode::Append => rule.tags.extend(tags.clone().unwrap_or_default()),
                    _ => rule.tags = tags.clone().unwrap_or_default(),
                },
                "exceptions" => match mode {
                    Mode::Append => rule
                        .exceptions
                        .extend(exceptions.clone().unwrap_or_default()),
                    _ => rule.exceptions = exceptions.clone().unwrap_or_default(),
                },
                other => {
                    let msg = format!("'{other}' cannot be overridden, ignored");
                    self.diags.push(Diagnostic {
                        level: Level::Warning,
                        file: file.into(),
                        line,
                        item: item.clone(),
                        message: msg,
                    });
                }
            }
        }
    }
}
