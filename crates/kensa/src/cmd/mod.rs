//! One module per subcommand; each exposes `Args` and `run(args) -> anyhow::Result<ExitCode>`.
pub mod db;
pub mod output;
pub mod synth;
pub mod vuln;
