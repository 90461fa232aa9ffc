//! Evaluates a compiled condition against one event.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::ast::Op;
use super::compile::{CField, CRhs, Check, MacroNode, Node, Transform};
use crate::fields::{extract, Ctx, Val};

/// Whether the event satisfies the condition. Recursion is bounded by the compiler's
/// depth limit ([`super::expand::MAX_DEPTH`]).
pub fn eval(node: &Node, ctx: &Ctx<'_, '_>) -> bool {
    match node {
        Node::And(items) => items.iter().all(|n| eval(n, ctx)),
        Node::Or(items) => items.iter().any(|n| eval(n, ctx)),
        Node::Not(inner) => !eval(inner, ctx),
        Node::Check(c) => check(c, ctx),
        Node::Macro(m) => eval(&m.node, ctx),
        Node::Memo(inner) => eval_memo(inner, ctx, &mut HashMap::new()),
    }
}

/// Evaluation that computes each shared macro once per event: linear in the number of
/// distinct macros where the tree-wise walk would be exponential.
fn eval_memo(node: &Node, ctx: &Ctx<'_, '_>, memo: &mut HashMap<*const MacroNode, bool>) -> bool {
    match node {
        Node::And(items) => items.iter().all(|n| eval_memo(n, ctx, memo)),
        Node::Or(items) => items.iter().any(|n| eval_memo(n, ctx, memo)),
        Node::Not(inner) => !eval_memo(inner, ctx, memo),
        Node::Check(c) => check(c, ctx),
        Node::Macro(m) => {
            let key = Arc::as_ptr(m);
            if let Some(&known) = memo.get(&key) {
                return known;
            }
            let result = eval_memo(&m.node, ctx, memo);
            memo.insert(key, result);
            result
        }
        Node::Memo(inner) => eval_memo(inner, ctx, memo),
    }
}

/// A field's value for this event, transformers applied.
pub fn value<'a>(f: &CField, ctx: &Ctx<'_, 'a>) -> Val<'a> {
    let mut v = extract(ctx, f.def.source, &f.ptr);
    for t in &f.transforms {
        v = transform(*t, v);
    }
    v
}

fn transform(t: Transform, v: Val<'_>) -> Val<'_> {
    // Transformers see port ranges as their text (`20-25`).
    let v = match v {
        Val::Ranges(r) => Val::List(
            r.iter()
                .map(|r| Cow::Owned(crate::ingress::range_text(r)))
                .collect(),
        ),
        other => other,
    };
    let one = |s: Cow<'_, str>| -> Option<String> {
        match t {
            Transform::Lower => Some(s.to_lowercase()),
            Transform::Upper => Some(s.to_uppercase()),
            Transform::B64 => {
                crate::b64::decode(&s).map(|b| String::from_utf8_lossy(&b).into_owned())
            }
            Transform::Basename => Some(s.rsplit('/').next().unwrap_or("").to_string()),
            Transform::Len => None,
        }
    };
    match (t, v) {
        (_, Val::None) => Val::None,
        (Transform::Len, Val::Str(s)) => Val::Num(s.len() as u64),
        (Transform::Len, Val::List(l)) => Val::Num(l.len() as u64),
        (_, Val::Str(s)) => one(s).map_or(Val::None, |s| Val::Str(Cow::Owned(s))),
        (_, Val::List(l)) => Val::List(
            l.into_iter()
                .filter_map(|s| one(s).map(Cow::Owned))
                .collect(),
        ),
        (_, other) => other,
    }
}

fn check(c: &Check, ctx: &Ctx<'_, '_>) -> bool {
    let v = value(&c.lhs, ctx);
    if c.op == Op::Exists {
        return match v {
            Val::None => false,
            Val::List(l) => !l.is_empty(),
            Val::Ranges(r) => !r.is_empty(),
            _ => true,
        };
    }
    let rhs_val;
    let rhs = match &c.rhs {
        CRhs::Field(f) => {
            rhs_val = value(f, ctx);
            match &rhs_val {
                Val::None => return false,
                Val::Num(n) => return cmp_num(&v, c.op, *n, ctx),
                other => Rhs::Text(other.render()),
            }
        }
        other => Rhs::Compiled(other),
    };
    match v {
        Val::None => false,
        Val::Num(n) => match &rhs {
            Rhs::Compiled(CRhs::Num(r)) => ord(c.op, n.cmp(r)),
            Rhs::Compiled(CRhs::Set(set)) => set.contains(&n.to_string()),
            Rhs::Text(t) => t.parse::<u64>().is_ok_and(|r| ord(c.op, n.cmp(&r))),
            _ => false,
        },
        Val::Str(s) => one(&s, c.op, &rhs),
        Val::Ranges(ranges) => match (&c.op, &rhs) {
            (Op::Intersects, Rhs::Compiled(CRhs::Set(set))) => set
                .iter()
                .filter_map(|p| p.parse::<u32>().ok())
                .any(|p| ranges.iter().any(|&(a, b)| a <= p && p <= b)),
            (Op::In, Rhs::Compiled(CRhs::Set(set))) => {
                !ranges.is_empty()
                    && ranges.iter().all(|&(a, b)| {
                        ((b - a) as usize) < set.len()
                            && (a..=b).all(|p| set.contains(&p.to_string()))
                    })
            }
            _ => ranges
                .iter()
                .any(|r| one(&crate::ingress::range_text(r), c.op, &rhs)),
        },
        Val::List(items) => match (&c.op, &rhs) {
            (Op::In, Rhs::Compiled(CRhs::Set(set))) => {
                !items.is_empty() && items.iter().all(|i| set.contains(i.as_ref()))
            }
            (Op::Intersects, Rhs::Compiled(CRhs::Set(set))) => {
                items.iter().any(|i| set.contains(i.as_ref()))
            }
            _ => items.iter().any(|i| one(i, c.op, &rhs)),
        },
    }
}

enum Rhs<'r> {
    Compiled(&'r CRhs),
    Text(Cow<'r, str>),
}

fn cmp_num(v: &Val<'_>, op: Op, r: u64, _ctx: &Ctx<'_, '_>) -> bool {
    match v {
        Val::Num(n) => ord(op, n.cmp(&r)),
        Val::Str(s) => s.parse::<u64>().is_ok_and(|n| ord(op, n.cmp(&r))),
        _ => false,
    }
}

fn ord(op: Op, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Eq => o == Equal,
        Op::Ne => o != Equal,
        Op::Lt => o == Less,
        Op::Le => o != Greater,
        Op::Gt => o == Greater,
        Op::Ge => o != Less,
        _ => false,
    }
}

/// Compares one string against the right-hand side.
fn one(s: &str, op: Op, rhs: &Rhs<'_>) -> bool {
    let text = match rhs {
        Rhs::Text(t) => Some(t.as_ref()),
        Rhs::Compiled(CRhs::Str(t)) => Some(t.as_str()),
        _ => None,
    };
    match (op, rhs, text) {
        (Op::Eq, _, Some(t)) => s == t,
        (Op::Ne, _, Some(t)) => s != t,
        (Op::Lt | Op::Le | Op::Gt | Op::Ge, _, Some(t)) => {
            match (s.parse::<f64>(), t.parse::<f64>()) {
                (Ok(a), Ok(b)) => a.partial_cmp(&b).is_some_and(|o| ord(op, o)),
                _ => ord(op, s.cmp(t)),
            }
        }
        (Op::Contains, _, Some(t)) => s.contains(t),
        (Op::IContains, _, Some(t)) => s.to_lowercase().contains(t),
        (Op::StartsWith, _, Some(t)) => s.starts_with(t),
        (Op::IStartsWith, _, Some(t)) => s.to_lowercase().starts_with(t),
        (Op::EndsWith, _, Some(t)) => s.ends_with(t),
        (Op::BContains, Rhs::Compiled(CRhs::Bytes(b)), _) => {
            memchr::memmem::find(s.as_bytes(), b).is_some()
        }
        (Op::BStartsWith, Rhs::Compiled(CRhs::Bytes(b)), _) => s.as_bytes().starts_with(b),
        (Op::Regex | Op::Glob | Op::IGlob, Rhs::Compiled(CRhs::Regex(re)), _) => re.is_match(s),
        (Op::In, Rhs::Compiled(CRhs::Set(set)), _) => set.contains(s),
        (Op::Intersects, Rhs::Compiled(CRhs::Set(set)), _) => set.contains(s),
        (Op::Pmatch, Rhs::Compiled(CRhs::Prefixes(ps)), _) => ps.iter().any(|p| {
            s == p || (s.starts_with(p.as_str()) && s.as_bytes().get(p.len()) == Some(&b'/'))
        }),
        _ => false,
    }
}
