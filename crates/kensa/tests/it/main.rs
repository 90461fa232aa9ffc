//! kensa binary integration tests.
#[cfg(feature = "aws")]
mod aws_cli;
mod store_cli;
