//! Integration tests for kensa-trail (one binary, see COMMON.md).

mod common;
mod corpus;
mod ec2_oracle;
mod ec2_rules;
mod falco;
mod fuzz;
mod hostile;
mod inputs;
mod language;
mod malformed;
mod props;
