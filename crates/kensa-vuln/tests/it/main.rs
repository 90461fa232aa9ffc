//! Integration tests for kensa-vuln (one test binary).
mod bdb;
mod common;
mod differential;
mod e2e;
mod feeds;
mod fuzz;
mod http;
mod inventory;
mod oracle;
mod update;
mod version_gen;
mod versions;
