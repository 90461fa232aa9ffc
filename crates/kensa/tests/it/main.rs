//! kensa binary integration tests.
#[cfg(feature = "aws")]
mod aws_cli;
mod report_cli;
