//! One module per subcommand; each exposes `Args` and `run(args) -> anyhow::Result<ExitCode>`.
#[cfg(feature = "aws")]
pub mod collect;
pub mod compliance;
pub mod db;
pub mod exclusions;
pub mod findings;
pub mod notify_sinks;
pub mod output;
pub mod path;
#[cfg(feature = "aws")]
pub mod remediate;
#[cfg(feature = "aws")]
mod remediate_store;
pub mod report;
mod report_run;
pub mod rules;
pub mod run;
pub mod scan;
pub mod scope;
pub mod serve;
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
