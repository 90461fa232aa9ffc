//! Falco condition language: syntax, compilation with macros and lists, evaluation.

pub mod ast;
pub mod compile;
pub mod eval;
pub mod parse;

pub use compile::{compile, compile_ast, event_names, MacroDef, Node, Scope};
pub use eval::eval;
