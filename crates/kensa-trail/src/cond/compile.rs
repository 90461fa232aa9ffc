//! Resolves macros, lists and fields of a parsed condition into an evaluator tree.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use regex::Regex;

use super::ast::{FieldExpr, ListItem, Op, Rhs};
use super::expand::Scope;
use crate::event::split_pointer;
use crate::fields::{self, FieldDef, FieldType};

/// A compiled condition. Macros are compiled once and shared ([`Node::Macro`]), so a
/// condition's size is linear in its rule file whatever the macros expand to.
#[derive(Debug)]
pub enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Check(Box<Check>),
    Macro(Arc<MacroNode>),
    /// The root of a condition whose expansion is too large to evaluate as a tree: the
    /// macros in it are evaluated once per event and their results reused.
    Memo(Box<Node>),
}

/// A compiled macro body with what is known about its expansion.
#[derive(Debug)]
pub struct MacroNode {
    pub node: Node,
    /// Nesting depth of the body, through the macros it uses.
    pub depth: usize,
    /// Nodes in the fully expanded body (saturating): what a tree-wise evaluation visits.
    pub expanded: u64,
    /// The event names the body can match (see [`event_names`]).
    pub names: Option<BTreeSet<String>>,
    /// The macros and lists the body uses, transitively.
    pub uses: BTreeSet<String>,
}

#[derive(Debug)]
pub struct Check {
    pub lhs: CField,
    pub op: Op,
    pub rhs: CRhs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    Lower,
    Upper,
    B64,
    Basename,
    Len,
}

/// A resolved field reference.
#[derive(Debug)]
pub struct CField {
    pub def: &'static FieldDef,
    pub ptr: Vec<String>,
    pub transforms: Vec<Transform>,
    /// The type after transformers.
    pub ty: FieldType,
}

#[derive(Debug)]
pub enum CRhs {
    None,
    Str(String),
    Num(u64),
    Bytes(Vec<u8>),
    Set(HashSet<String>),
    Prefixes(Vec<String>),
    Regex(Regex),
    Field(CField),
}

pub(super) fn field(expr: &FieldExpr) -> Result<CField, String> {
    let def =
        fields::lookup(&expr.field).ok_or_else(|| format!("unknown field '{}'", expr.field))?;
    let ptr = match (&expr.arg, def.needs_arg) {
        (Some(arg), true) => {
            split_pointer(arg).map_err(|e| format!("field '{}': {e}", expr.field))?
        }
        (None, true) => {
            return Err(format!(
                "field '{}' needs an argument, e.g. {}[/eventName]",
                def.name, def.name
            ))
        }
        (Some(_), false) => return Err(format!("field '{}' takes no argument", def.name)),
        (None, false) => Vec::new(),
    };
    let mut ty = def.ty;
    let mut transforms = Vec::new();
    for t in &expr.transformers {
        let tr = match t.as_str() {
            "tolower" => Transform::Lower,
            "toupper" => Transform::Upper,
            "b64" => Transform::B64,
            "basename" => Transform::Basename,
            "len" => Transform::Len,
            other => return Err(format!("unknown transformer '{other}'")),
        };
        if ty == FieldType::Num {
            return Err(format!(
                "transformer '{t}' needs a string field, '{}' is numeric",
                def.name
            ));
        }
        if tr == Transform::Len {
            ty = FieldType::Num;
        }
        transforms.push(tr);
    }
    Ok(CField {
        def,
        ptr,
        transforms,
        ty,
    })
}

fn expand(items: &[ListItem], scope: &Scope<'_>, used: &mut BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    for item in items {
        match scope.lists.get(&item.text) {
            Some(values) if !item.quoted => {
                used.insert(item.text.clone());
                out.extend(values.iter().cloned());
            }
            _ => out.push(item.text.clone()),
        }
    }
    out
}

fn num(v: &str, field: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("'{v}' is not a number, and field '{field}' is numeric"))
}

pub(super) fn check(
    lhs: &FieldExpr,
    op: Op,
    rhs: &Rhs,
    scope: &Scope<'_>,
    used: &mut BTreeSet<String>,
) -> Result<Check, String> {
    let lhs = field(lhs)?;
    let name = lhs.def.name;
    let rhs = match (op, rhs) {
        (Op::Exists, _) => CRhs::None,
        (_, Rhs::Field(f)) => {
            if matches!(
                op,
                Op::In | Op::Intersects | Op::Pmatch | Op::Regex | Op::Glob | Op::IGlob
            ) {
                return Err(format!("operator {op:?} cannot compare with val()"));
            }
            CRhs::Field(field(f)?)
        }
        (Op::In | Op::Intersects, Rhs::List(items)) => {
            let values = expand(items, scope, used);
            let set = if lhs.ty == FieldType::Num {
                values
                    .iter()
                    .map(|v| num(v, name).map(|n| n.to_string()))
                    .collect::<Result<_, _>>()?
            } else {
                values.into_iter().collect()
            };
            CRhs::Set(set)
        }
        (Op::Pmatch, Rhs::List(items)) => CRhs::Prefixes(
            expand(items, scope, used)
                .into_iter()
                .map(|p| p.trim_end_matches('/').to_string())
                .collect(),
        ),
        (_, Rhs::List(_)) | (_, Rhs::None) => {
            return Err(format!("operator {op:?} needs a single value"))
        }
        (_, Rhs::Value(v)) => value_rhs(op, v, &lhs)?,
    };
    if lhs.ty == FieldType::Num
        && !matches!(
            op,
            Op::Eq
                | Op::Ne
                | Op::Lt
                | Op::Le
                | Op::Gt
                | Op::Ge
                | Op::In
                | Op::Intersects
                | Op::Exists
        )
    {
        return Err(format!(
            "operator {op:?} does not apply to numeric field '{name}'"
        ));
    }
    Ok(Check { lhs, op, rhs })
}

fn value_rhs(op: Op, v: &str, lhs: &CField) -> Result<CRhs, String> {
    let numeric = lhs.ty == FieldType::Num;
    Ok(match op {
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge if numeric => {
            CRhs::Num(num(v, lhs.def.name)?)
        }
        Op::IContains | Op::IStartsWith => CRhs::Str(v.to_lowercase()),
        Op::BContains | Op::BStartsWith => CRhs::Bytes(hex(v)?),
        Op::Regex => CRhs::Regex(
            Regex::new(&format!("^(?:{v})$")).map_err(|e| format!("bad regex '{v}': {e}"))?,
        ),
        Op::Glob | Op::IGlob => CRhs::Regex(glob(v, op == Op::IGlob)?),
        _ => CRhs::Str(v.to_string()),
    })
}

fn hex(v: &str) -> Result<Vec<u8>, String> {
    if v.len() & 1 == 1 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("'{v}' is not a hex byte string"));
    }
    (0..v.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&v[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

/// A shell glob (`*`, `?`, `[...]`) as an anchored regex.
fn glob(pattern: &str, case_insensitive: bool) -> Result<Regex, String> {
    let mut re = String::from(if case_insensitive { "(?is)^" } else { "(?s)^" });
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            '[' => {
                re.push('[');
                if chars.peek() == Some(&'!') {
                    chars.next();
                    re.push('^');
                }
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    if c == '\\' || c == '[' {
                        re.push('\\');
                    }
                    re.push(c);
                }
                re.push(']');
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).map_err(|e| format!("bad glob '{pattern}': {e}"))
}

/// The event names a condition can match, or None if it is not pinned to a set.
pub fn event_names(node: &Node) -> Option<BTreeSet<String>> {
    match node {
        Node::Check(c) if c.lhs.def.name == "ct.name" && c.lhs.transforms.is_empty() => {
            match (&c.op, &c.rhs) {
                (Op::Eq, CRhs::Str(s)) => Some(BTreeSet::from([s.clone()])),
                (Op::In, CRhs::Set(set)) => Some(set.iter().cloned().collect()),
                _ => None,
            }
        }
        Node::And(items) => items
            .iter()
            .filter_map(event_names)
            .reduce(|a, b| a.intersection(&b).cloned().collect()),
        Node::Or(items) => {
            let mut all = BTreeSet::new();
            for item in items {
                all.extend(event_names(item)?);
            }
            Some(all)
        }
        // Computed once per macro when it was compiled: a walk through shared macros
        // would be exponential in the worst case.
        Node::Macro(m) => m.names.clone(),
        Node::Memo(inner) => event_names(inner),
        _ => None,
    }
}
