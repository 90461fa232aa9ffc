//! One module per subcommand; each exposes `Args` and `run(args) -> anyhow::Result<ExitCode>`.
pub mod output;
