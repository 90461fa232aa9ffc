//! One module per subcommand; each exposes `Args` and `run(args) -> anyhow::Result<ExitCode>`.
pub mod compliance;
pub mod output;
pub mod rules;
pub mod synth;
pub mod synth_account;
pub mod synth_trail;
pub mod trail;
