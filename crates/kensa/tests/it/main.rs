//! kensa binary integration tests.
#[cfg(feature = "aws")]
mod aws_cli;
mod cli_flags;
mod degenerate;
mod demo_run;
mod incomplete;
mod jobs_cli;
#[cfg(feature = "aws")]
mod jobs_live;
#[cfg(feature = "aws")]
mod notify_cli;
mod report_cli;
mod scan_telemetry;
#[cfg(feature = "aws")]
mod securityhub_cli;
mod store_cli;
mod trail_cli;
mod users;
#[cfg(feature = "aws")]
mod watch_cli;
mod watch_lb;
#[cfg(feature = "aws")]
mod watch_policy;
mod watch_serve;
