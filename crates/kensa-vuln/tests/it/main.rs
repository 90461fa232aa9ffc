//! Integration tests for kensa-vuln (one test binary).
mod common;
mod feeds;
mod versions;
