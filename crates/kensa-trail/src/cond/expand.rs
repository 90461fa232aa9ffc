//! Resolves a parsed condition's macros into a compiled tree, within bounds.
//!
//! Rule files are untrusted input. Each macro is compiled once and its body shared by
//! every use (a chain of macros that each use the next twice stays linear in the file
//! instead of doubling per level), and nesting through parentheses, `not` and macros is
//! limited so that neither the compiler nor the evaluator can exhaust the stack.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::ast::Ast;
use super::compile::{check, event_names, MacroNode, Node};
use super::parse::parse;

/// How deep a compiled condition may nest, counting every `and`/`or`/`not` and macro on
/// the way down. Real rule sets stay far below (Falco's own: under 20).
pub const MAX_DEPTH: usize = 200;

/// Conditions whose full expansion has more nodes than this are evaluated with per-event
/// memoisation of their macros (see [`Node::Memo`]).
pub const MEMO_THRESHOLD: u64 = 10_000;

/// A macro as written, with its compiled body cached on first use.
pub struct MacroDef {
    pub condition: String,
    compiled: OnceCell<Arc<MacroNode>>,
}

impl MacroDef {
    pub fn new(condition: String) -> MacroDef {
        MacroDef {
            condition,
            compiled: OnceCell::new(),
        }
    }
}

/// What the compiler can see: macros and (fully expanded) lists.
pub struct Scope<'s> {
    pub macros: &'s BTreeMap<String, MacroDef>,
    pub lists: &'s BTreeMap<String, Vec<String>>,
}

/// Compiles an already parsed condition; `used` collects the macros and lists it uses.
pub fn compile_ast(
    ast: &Ast,
    scope: &Scope<'_>,
    used: &mut BTreeSet<String>,
) -> Result<Node, String> {
    let mut r = Resolver {
        scope,
        stack: Vec::new(),
    };
    let (node, size) = r.resolve(ast, 0, used)?;
    Ok(if size.expanded > MEMO_THRESHOLD {
        Node::Memo(Box::new(node))
    } else {
        node
    })
}

/// Depth and expanded node count of a compiled subtree.
#[derive(Clone, Copy)]
struct Size {
    depth: usize,
    expanded: u64,
}

struct Resolver<'r, 's> {
    scope: &'r Scope<'s>,
    /// The macros being compiled, outermost first (to report cycles and deep chains).
    stack: Vec<String>,
}

impl Resolver<'_, '_> {
    /// `depth` is how deep `ast` sits in the whole condition, macros included.
    fn resolve(
        &mut self,
        ast: &Ast,
        depth: usize,
        used: &mut BTreeSet<String>,
    ) -> Result<(Node, Size), String> {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        match ast {
            Ast::And(items) => {
                let (nodes, size) = self.all(items, depth, used)?;
                Ok((Node::And(nodes), size))
            }
            Ast::Or(items) => {
                let (nodes, size) = self.all(items, depth, used)?;
                Ok((Node::Or(nodes), size))
            }
            Ast::Not(inner) => {
                let (node, size) = self.resolve(inner, depth + 1, used)?;
                Ok((Node::Not(Box::new(node)), grow(size)))
            }
            Ast::Macro { name, .. } => {
                let m = self.macro_node(name, depth, used)?;
                let size = Size {
                    depth: m.depth + 1,
                    expanded: m.expanded.saturating_add(1),
                };
                Ok((Node::Macro(m), size))
            }
            Ast::Check { lhs, op, rhs, .. } => {
                let c = check(lhs, *op, rhs, self.scope, used)?;
                let one = Size {
                    depth: 1,
                    expanded: 1,
                };
                Ok((Node::Check(Box::new(c)), one))
            }
        }
    }

    fn all(
        &mut self,
        items: &[Ast],
        depth: usize,
        used: &mut BTreeSet<String>,
    ) -> Result<(Vec<Node>, Size), String> {
        let mut nodes = Vec::with_capacity(items.len());
        let mut size = Size {
            depth: 0,
            expanded: 0,
        };
        for item in items {
            let (node, s) = self.resolve(item, depth + 1, used)?;
            size.depth = size.depth.max(s.depth);
            size.expanded = size.expanded.saturating_add(s.expanded);
            nodes.push(node);
        }
        Ok((nodes, grow(size)))
    }

    /// A macro's shared body, compiled on first use. `depth` is where it is used.
    fn macro_node(
        &mut self,
        name: &str,
        depth: usize,
        used: &mut BTreeSet<String>,
    ) -> Result<Arc<MacroNode>, String> {
        let Some(def) = self.scope.macros.get(name) else {
            return Err(format!("undefined macro '{name}'"));
        };
        if self.stack.iter().any(|m| m == name) {
            return Err(format!(
                "macro '{name}' refers to itself ({} -> {name})",
                self.stack.join(" -> ")
            ));
        }
        let m = match def.compiled.get() {
            Some(m) => m.clone(),
            None => {
                let m = Arc::new(self.compile_macro(name, def, depth)?);
                // Only successes are cached: a failure may depend on where the macro
                // was used (how deep), and it ends the compilation of this rule anyway.
                let _ = def.compiled.set(m.clone());
                m
            }
        };
        if depth + m.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        used.insert(name.to_string());
        used.extend(m.uses.iter().cloned());
        Ok(m)
    }

    fn compile_macro(
        &mut self,
        name: &str,
        def: &MacroDef,
        depth: usize,
    ) -> Result<MacroNode, String> {
        let ast = parse(&def.condition)
            .map_err(|e| format!("in macro '{name}': {} (at offset {})", e.message, e.offset))?;
        self.stack.push(name.to_string());
        let mut uses = BTreeSet::new();
        let body = self.resolve(&ast, depth + 1, &mut uses);
        self.stack.pop();
        let (node, size) = body.map_err(|e| {
            if e.starts_with("in macro") {
                e
            } else {
                format!("in macro '{name}': {e}")
            }
        })?;
        Ok(MacroNode {
            names: event_names(&node),
            node,
            depth: size.depth,
            expanded: size.expanded,
            uses,
        })
    }

    fn too_deep(&self) -> String {
        let chain = if self.stack.is_empty() {
            String::new()
        } else {
            let shown: Vec<&str> = self.stack.iter().take(5).map(String::as_str).collect();
            let more = self.stack.len().saturating_sub(5);
            let tail = if more > 0 {
                format!(" -> ... ({more} more)")
            } else {
                String::new()
            };
            format!(" (through macros {}{tail})", shown.join(" -> "))
        };
        format!("condition nests deeper than {MAX_DEPTH} levels{chain}")
    }
}

fn grow(s: Size) -> Size {
    Size {
        depth: s.depth + 1,
        expanded: s.expanded.saturating_add(1),
    }
}
