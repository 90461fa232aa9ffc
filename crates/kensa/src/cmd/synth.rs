//! `kensa synth`: synthetic data generators for the benchmarks.
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: SynthCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SynthCommand {
    /// A full-size synthetic Amazon Linux advisory set (updateinfo.xml.gz) and a host
    /// inventory of installed packages (inventory.json), for the matching benchmark.
    Advisories(super::vuln::SynthAdvisoriesArgs),
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        SynthCommand::Advisories(a) => super::vuln::synth_advisories(a),
    }
}
