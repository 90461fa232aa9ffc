//! Integration tests for kensa-vuln (one test binary).
mod bdb;
mod common;
mod e2e;
mod feeds;
mod fuzz;
mod http;
mod inventory;
mod update;
mod versions;
