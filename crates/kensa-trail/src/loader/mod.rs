//! Loads Falco-format rule files into a [`RuleSet`], collecting every error and warning.

mod build;
mod items;
mod yaml;

use std::path::PathBuf;

use serde_yaml_ng::Value;

use crate::rules::{Diagnostic, Level, RuleSet};

/// A rules file given as text (e.g. bundled with `include_str!`).
#[derive(Debug, Clone)]
pub struct RuleSource {
    /// Shown in diagnostics as the file name.
    pub name: String,
    /// The YAML text of the file.
    pub text: String,
}

/// Loads rule files in order (later files append to or override earlier ones).
/// Unreadable files and bad items are reported and skipped; the rest loads.
pub fn load_rules(paths: &[PathBuf]) -> (RuleSet, Vec<Diagnostic>) {
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        match std::fs::read_to_string(p) {
            Ok(text) => sources.push(RuleSource { name, text }),
            Err(e) => diags.push(Diagnostic {
                level: Level::Error,
                file: name,
                line: 0,
                item: None,
                message: format!("cannot read rules file: {e}"),
            }),
        }
    }
    let (set, more) = load_rule_sources(&sources);
    diags.extend(more);
    (set, diags)
}

/// Loads rules from texts; see [`load_rules`].
pub fn load_rule_sources(sources: &[RuleSource]) -> (RuleSet, Vec<Diagnostic>) {
    let mut decls = items::Decls::default();
    for src in sources {
        read_file(&mut decls, src);
    }
    build::build(decls)
}

fn read_file(decls: &mut items::Decls, src: &RuleSource) {
    for chunk in yaml::chunks(&src.text) {
        let parsed: Result<Value, _> = serde_yaml_ng::from_str(chunk.text);
        let value = match parsed {
            Ok(v) => v,
            Err(e) => {
                let line = chunk.line + e.location().map_or(0, |l| l.line().saturating_sub(1));
                let msg = format!("YAML syntax error: {}", strip_location(&e.to_string()));
                decls.diags.push(Diagnostic {
                    level: Level::Error,
                    file: src.name.clone(),
                    line,
                    item: yaml::guess_name(chunk.text),
                    message: msg,
                });
                continue;
            }
        };
        let items = match value {
            Value::Sequence(items) => items,
            Value::Null => continue,
            _ => {
                decls.diags.push(Diagnostic {
                    level: Level::Error,
                    file: src.name.clone(),
                    line: chunk.line,
                    item: None,
                    message: "a rules file must be a YAML sequence of items".into(),
                });
                continue;
            }
        };
        for item in items {
            match item {
                Value::Mapping(map) => decls.item(&src.name, &chunk, &map),
                _ => decls.diags.push(Diagnostic {
                    level: Level::Error,
                    file: src.name.clone(),
                    line: chunk.line,
                    item: None,
                    message: "an item must be a mapping (rule, macro, list, ...)".into(),
                }),
            }
        }
    }
}

/// serde_yaml's messages end with "at line X column Y"; the diagnostic has its own line.
fn strip_location(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}
