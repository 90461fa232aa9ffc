//! One module per subcommand; each exposes `Args` and `run(args) -> anyhow::Result<ExitCode>`.
pub mod account;
#[cfg(feature = "aws")]
pub mod collect;
pub mod compliance;
pub mod db;
pub mod exclusions;
pub mod findings;
pub mod host;
pub mod notify_sinks;
pub mod output;
pub mod path;
#[cfg(feature = "aws")]
pub mod remediate;
#[cfg(feature = "aws")]
mod remediate_store;
pub mod report;
pub mod rules;
pub mod run;
mod run_demo;
pub mod scan;
pub mod schedule;
pub mod scope;
pub mod serve;
#[cfg(feature = "aws")]
mod serve_live;
pub mod store_common;
pub mod synth;
pub mod synth_account;
pub mod synth_trail;
pub mod target;
pub mod template;
pub mod token;
pub mod trail;
pub mod trail_store;
#[cfg(feature = "aws")]
pub mod trail_watch;
pub mod vuln;
pub mod watch;
#[cfg(feature = "aws")]
pub mod watch_live;
#[cfg(feature = "aws")]
pub mod watch_remediate;
#[cfg(feature = "aws")]
pub mod watch_resync;
#[cfg(feature = "aws")]
pub mod watch_support;
