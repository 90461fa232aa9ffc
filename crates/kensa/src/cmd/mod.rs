//! One module per subcommand; each exposes `Args` and `run(args) -> anyhow::Result<ExitCode>`.
pub mod compliance;
pub mod db;
pub mod output;
pub mod path;
pub mod rules;
pub mod scan;
pub mod synth;
pub mod synth_account;
pub mod synth_trail;
pub mod trail;
pub mod vuln;
#[cfg(feature = "aws")]
pub mod trail_watch;
