//! Integration tests for kensa-trail (one binary, see COMMON.md).

mod common;
mod corpus;
mod falco;
mod language;
mod malformed;
mod props;
