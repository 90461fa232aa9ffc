//! `kensa synth account`: a synthetic AWS account snapshot.
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use kensa_model::synth::{self, SynthParams, REGIONS};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    /// Number of instances (about 1 VPC per 1,000, 1 subnet per 50, 1 security group per 5).
    #[arg(long, default_value_t = 1000)]
    pub instances: usize,
    /// Seed: the same seed and sizes give the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of regions to spread the instances over.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=REGIONS.len() as u64))]
    pub regions: u64,
    /// Account id of the generated resources.
    #[arg(long, default_value = "123456789012")]
    pub account: String,
    /// Leave out SecurityGroupRules.json (describe-security-group-rules).
    #[arg(long)]
    pub no_security_group_rules: bool,
    /// Snapshot directory to write (created if missing).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: AccountArgs) -> anyhow::Result<ExitCode> {
    let params = SynthParams {
        instances: args.instances,
        seed: args.seed,
        regions: args.regions as usize,
        account: args.account,
        security_group_rules: !args.no_security_group_rules,
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} files, {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let summary = synth::write_account(&params, &args.out, |p| {
        bar.set_length(p.files_total as u64);
        bar.set_position(p.files_done as u64);
        bar.set_message(format!("{} items", p.items_written));
    })
    .with_context(|| format!("writing the snapshot to {}", args.out.display()))?;
    bar.finish_and_clear();
    eprintln!(
        "wrote {} files, {} items, {:.1} MiB to {} in {:.2} s",
        summary.files,
        summary.items,
        summary.bytes as f64 / (1024.0 * 1024.0),
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
