//! kensa-inventory's integration tests: reading fixture root filesystems.
mod owners;
