//! The condition syntax tree, before macros, lists and fields are resolved.

pub const TRANSFORMERS: &[&str] = &["tolower", "toupper", "b64", "basename", "len"];

#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    And(Vec<Ast>),
    Or(Vec<Ast>),
    Not(Box<Ast>),
    Macro {
        name: String,
        offset: usize,
    },
    Check {
        lhs: FieldExpr,
        op: Op,
        rhs: Rhs,
        offset: usize,
    },
}

/// A field reference; transformers are applied innermost first.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldExpr {
    pub field: String,
    pub arg: Option<String>,
    pub transformers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Rhs {
    None,
    Value(String),
    List(Vec<ListItem>),
    Field(FieldExpr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    pub text: String,
    /// Quoted items are never list names.
    pub quoted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    IContains,
    BContains,
    StartsWith,
    IStartsWith,
    BStartsWith,
    EndsWith,
    Glob,
    IGlob,
    Regex,
    In,
    Intersects,
    Pmatch,
    Exists,
}

impl Op {
    pub fn parse(w: &str) -> Option<Op> {
        Some(match w {
            "=" | "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "contains" => Op::Contains,
            "icontains" => Op::IContains,
            "bcontains" => Op::BContains,
            "startswith" => Op::StartsWith,
            "istartswith" => Op::IStartsWith,
            "bstartswith" => Op::BStartsWith,
            "endswith" => Op::EndsWith,
            "glob" => Op::Glob,
            "iglob" => Op::IGlob,
            "regex" => Op::Regex,
            "in" => Op::In,
            "intersects" => Op::Intersects,
            "pmatch" => Op::Pmatch,
            "exists" => Op::Exists,
            _ => return None,
        })
    }
}

/// Adds a clause to a condition with `and` (used for exceptions).
pub fn and(a: Ast, b: Ast) -> Ast {
    match a {
        Ast::And(mut items) => {
            items.push(b);
            Ast::And(items)
        }
        other => Ast::And(vec![other, b]),
    }
}
