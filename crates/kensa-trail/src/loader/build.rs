//! Turns declarations into compiled rules: expands lists, compiles conditions with their
//! exceptions and outputs, and indexes rules by event name.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml_ng::Value;

use super::items::{Decls, RuleDecl};
use super::yaml::{scalar, strings};
use crate::cond::ast::{and, Ast, FieldExpr, ListItem, Op, Rhs};
use crate::cond::parse::parse;
use crate::cond::{compile_ast, event_names, MacroDef, Scope};
use crate::output::Template;
use crate::rules::{Diagnostic, Level, Priority, Rule, RuleSet};

pub fn build(mut decls: Decls) -> (RuleSet, Vec<Diagnostic>) {
    let lists = expand_lists(&decls);
    let macros: BTreeMap<String, MacroDef> = decls
        .macros
        .iter()
        .map(|(k, m)| (k.clone(), MacroDef::new(m.condition.clone())))
        .collect();
    let scope = Scope {
        macros: &macros,
        lists: &lists,
    };
    let mut used = BTreeSet::new();
    for l in decls.lists.values() {
        for item in &l.items {
            if decls.lists.contains_key(item) {
                used.insert(item.clone());
            }
        }
    }
    let mut rules = Vec::new();
    let mut diags = std::mem::take(&mut decls.diags);
    for decl in &decls.rules {
        match rule(decl, &scope, &mut used) {
            Ok(Some(r)) => rules.push(r),
            Ok(None) => diags.push(diag(Level::Warning, decl, decl.line, skipped_source(decl))),
            Err((line, message)) => diags.push(diag(Level::Error, decl, line, message)),
        }
    }
    for (name, m) in &decls.macros {
        if !used.contains(name) {
            diags.push(Diagnostic {
                level: Level::Warning,
                file: m.at.file.clone(),
                line: m.at.line,
                item: Some(format!("macro '{name}'")),
                message: "macro is not used by any rule".into(),
            });
        }
    }
    for (name, l) in &decls.lists {
        if !used.contains(name) {
            diags.push(Diagnostic {
                level: Level::Warning,
                file: l.at.file.clone(),
                line: l.at.line,
                item: Some(format!("list '{name}'")),
                message: "list is not used by any rule".into(),
            });
        }
    }
    diags.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    (RuleSet::new(rules), diags)
}

fn skipped_source(d: &RuleDecl) -> String {
    format!(
        "rule skipped: source '{}' is not handled by kensa (only {})",
        d.source.as_deref().unwrap_or("syscall"),
        crate::SOURCE
    )
}

fn diag(level: Level, d: &RuleDecl, line: usize, message: String) -> Diagnostic {
    Diagnostic {
        level,
        file: d.file.clone(),
        line,
        item: Some(format!("rule '{}'", d.name)),
        message,
    }
}

/// Lists with references to other lists replaced by their items.
fn expand_lists(decls: &Decls) -> BTreeMap<String, Vec<String>> {
    fn expand(name: &str, decls: &Decls, depth: usize, out: &mut Vec<String>) {
        let Some(l) = decls.lists.get(name) else {
            return;
        };
        for item in &l.items {
            if depth < 16 && item != name && decls.lists.contains_key(item) {
                expand(item, decls, depth + 1, out);
            } else {
                out.push(item.clone());
            }
        }
    }
    decls
        .lists
        .keys()
        .map(|name| {
            let mut out = Vec::new();
            expand(name, decls, 0, &mut out);
            (name.clone(), out)
        })
        .collect()
}

type RuleResult = Result<Option<Rule>, (usize, String)>;

fn rule(d: &RuleDecl, scope: &Scope<'_>, used: &mut BTreeSet<String>) -> RuleResult {
    let source = d.source.clone().unwrap_or_else(|| "syscall".into());
    if source != crate::SOURCE {
        return Ok(None);
    }
    let missing = |k: &str| (d.line, format!("rule has no '{k}'"));
    let condition = d.condition.as_deref().ok_or_else(|| missing("condition"))?;
    let output = d.output.as_deref().ok_or_else(|| missing("output"))?;
    let priority = d.priority.as_deref().ok_or_else(|| missing("priority"))?;
    if d.desc.is_none() {
        return Err(missing("desc"));
    }
    let priority = Priority::parse(priority).ok_or_else(|| {
        (d.line, format!("unknown priority '{priority}' (EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFO, DEBUG)"))
    })?;
    let cline = d.condition_line;
    let mut ast = parse(condition).map_err(|e| {
        (
            cline,
            format!("condition: {} (at offset {})", e.message, e.offset),
        )
    })?;
    for ex in &d.exceptions {
        if let Some(clause) = exception(ex).map_err(|m| (d.line, m))? {
            ast = and(ast, Ast::Not(Box::new(clause)));
        }
    }
    let node = compile_ast(&ast, scope, used).map_err(|m| (cline, format!("condition: {m}")))?;
    let output = Template::compile(output).map_err(|m| (d.line, m))?;
    let event_names = event_names(&node).map(|s| s.into_iter().collect());
    Ok(Some(Rule {
        name: d.name.clone(),
        desc: d.desc.clone().unwrap_or_default(),
        priority,
        tags: d.tags.clone(),
        source,
        enabled: d.enabled,
        file: d.file.clone(),
        line: d.line,
        condition: node,
        output,
        event_names,
    }))
}

fn field_expr(text: &str) -> FieldExpr {
    match text.find('[') {
        Some(i) if text.ends_with(']') => FieldExpr {
            field: text[..i].to_string(),
            arg: Some(text[i + 1..text.len() - 1].to_string()),
            transformers: vec![],
        },
        _ => FieldExpr {
            field: text.to_string(),
            arg: None,
            transformers: vec![],
        },
    }
}

fn is_list_op(op: Op) -> bool {
    matches!(op, Op::In | Op::Intersects | Op::Pmatch)
}

fn check(field: &str, op: Op, value: &Value) -> Result<Ast, String> {
    let rhs = match value {
        Value::Sequence(_) => {
            let items = strings(value).ok_or("exception values must be strings")?;
            Rhs::List(
                items
                    .into_iter()
                    .map(|text| ListItem {
                        text,
                        quoted: false,
                    })
                    .collect(),
            )
        }
        v => {
            let text = scalar(v).ok_or("exception values must be strings or lists")?;
            if is_list_op(op) {
                Rhs::List(vec![ListItem {
                    text,
                    quoted: false,
                }])
            } else {
                Rhs::Value(text)
            }
        }
    };
    Ok(Ast::Check {
        lhs: field_expr(field),
        op,
        rhs,
        offset: 0,
    })
}

/// The clause an exception excludes, or None when it has no values.
fn exception(ex: &Value) -> Result<Option<Ast>, String> {
    let name = ex.get("name").and_then(scalar).unwrap_or_default();
    let err = |m: &str| format!("exception '{name}': {m}");
    let values = match ex.get("values") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Sequence(v)) if v.is_empty() => return Ok(None),
        Some(Value::Sequence(v)) => v.clone(),
        Some(_) => return Err(err("'values' must be a sequence")),
    };
    let op = |s: &str| Op::parse(s).ok_or_else(|| err(&format!("unknown comparison '{s}'")));
    match ex.get("fields") {
        Some(Value::String(f)) => {
            let comp = ex
                .get("comps")
                .and_then(scalar)
                .unwrap_or_else(|| "in".into());
            let op = op(&comp)?;
            if is_list_op(op) {
                return check(f, op, &Value::Sequence(values))
                    .map(Some)
                    .map_err(|m| err(&m));
            }
            let alts = values
                .iter()
                .map(|v| check(f, op, v))
                .collect::<Result<_, _>>()
                .map_err(|m| err(&m))?;
            Ok(Some(Ast::Or(alts)))
        }
        Some(Value::Sequence(fields)) => {
            let fields: Vec<String> = fields.iter().filter_map(scalar).collect();
            let comps = match ex.get("comps") {
                None => vec!["=".to_string(); fields.len()],
                Some(c) => strings(c).ok_or_else(|| err("'comps' must be a sequence"))?,
            };
            if comps.len() != fields.len() {
                return Err(err("'fields' and 'comps' have different lengths"));
            }
            let mut alts = Vec::new();
            for tuple in &values {
                let Value::Sequence(tuple) = tuple else {
                    return Err(err("each value must be a sequence matching 'fields'"));
                };
                if tuple.len() != fields.len() {
                    return Err(err("a value tuple does not match the number of fields"));
                }
                let mut checks = Vec::new();
                for ((f, c), v) in fields.iter().zip(&comps).zip(tuple) {
                    checks.push(check(f, op(c)?, v).map_err(|m| err(&m))?);
                }
                alts.push(Ast::And(checks));
            }
            Ok(Some(Ast::Or(alts)))
        }
        _ => Err(err("'fields' must be a field name or a sequence of them")),
    }
}
