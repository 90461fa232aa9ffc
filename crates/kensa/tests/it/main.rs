//! kensa binary integration tests.
#[cfg(feature = "aws")]
mod aws_cli;
mod cli_flags;
mod incomplete;
#[cfg(feature = "aws")]
mod notify_cli;
mod report_cli;
mod store_cli;
mod trail_cli;
mod users;
