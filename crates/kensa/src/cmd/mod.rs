//! One module per subcommand; each exposes `Args` and `run(args) -> anyhow::Result<ExitCode>`.
pub mod output;
pub mod path;
pub mod scan;
pub mod synth;
pub mod synth_account;
pub mod synth_trail;
pub mod trail;
