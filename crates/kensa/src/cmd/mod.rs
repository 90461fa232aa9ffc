//! One module per subcommand; each exposes `Args` and `run(args) -> anyhow::Result<ExitCode>`.
#[cfg(feature = "aws")]
pub mod collect;
pub mod compliance;
pub mod output;
#[cfg(feature = "aws")]
pub mod remediate;
pub mod rules;
pub mod synth;
pub mod synth_account;
pub mod synth_trail;
pub mod trail;
