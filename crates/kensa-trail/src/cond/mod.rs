//! Falco condition language: syntax, compilation with macros and lists, evaluation.

pub mod ast;
pub mod compile;
pub mod eval;
pub mod expand;
pub mod parse;

pub use compile::{event_names, Node};
pub use eval::eval;
pub use expand::{compile_ast, MacroDef, Scope};
