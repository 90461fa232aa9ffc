//! `kensa synth <what>`: synthetic data for tests and benchmarks. One module a generator.
use std::process::ExitCode;

use super::{synth_account, synth_trail};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: SynthCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SynthCommand {
    /// Generate a snapshot of a synthetic AWS account (aws_configs/<region>/*.json):
    /// VPCs, subnets, route tables, NACLs, security groups, instances, load balancers,
    /// peering, VPN and a transit gateway, in the ratios of a large real estate.
    Account(synth_account::AccountArgs),
    /// A realistic CloudTrail event mix as one delivery file (`{"Records":[...]}`).
    Trail(synth_trail::TrailArgs),
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        SynthCommand::Account(a) => synth_account::run(a),
        SynthCommand::Trail(a) => synth_trail::run(a),
    }
}
