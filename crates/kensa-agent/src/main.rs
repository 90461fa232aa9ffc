//! `kensa-agent collect` and `kensa-agent run`.
#![forbid(unsafe_code)]

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use kensa_agent::{collect, imds};

/// Host agent for kensa: collects packages, listening sockets with their processes,
/// sshd and system configuration, and delivers them to `kensa serve`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Collect telemetry once and write it as JSON.
    Collect {
        /// Output file; `-` for standard output.
        #[arg(
            short = 'o',
            long = "out",
            visible_alias = "output",
            default_value = "-"
        )]
        out: PathBuf,
        #[command(flatten)]
        source: Source,
    },
}

#[derive(clap::Args, Clone)]
struct Source {
    /// Read a mounted root filesystem instead of the running system (files only: no
    /// listeners, live sysctls or running kernel).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Ask the EC2 instance metadata service (IMDSv2) for instance id and region.
    #[arg(long, value_enum, default_value_t = Imds::Off)]
    imds: Imds,
    /// Metadata endpoint (for testing).
    #[arg(long, default_value = imds::DEFAULT_ENDPOINT, hide = true)]
    imds_endpoint: String,
}

#[derive(ValueEnum, Clone, Copy, PartialEq, Eq)]
enum Imds {
    /// Ask, with a 2-second timeout; when it does not answer, say so in the warnings.
    Auto,
    /// Never contact it.
    Off,
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Collect { out, source } => {
            let doc = collect_once(&source);
            let json = serde_json::to_vec_pretty(&doc)?;
            write_out(&out, &json)
        }
    }
}

pub(crate) fn collect_once(source: &Source) -> kensa_telemetry::Telemetry {
    let mut opts = match &source.root {
        Some(root) => collect::Options::root(root),
        None => collect::Options::live(),
    };
    let mut imds_warning = None;
    if source.imds == Imds::Auto {
        match imds::instance_identity(&source.imds_endpoint) {
            Ok(id) => opts.instance = Some(id),
            Err(e) => imds_warning = Some(e),
        }
    }
    let mut doc = collect::collect(&opts);
    if let Some(reason) = imds_warning {
        doc.warnings
            .push(kensa_telemetry::Warning::new("IMDSv2", reason));
    }
    doc
}

fn write_out(out: &PathBuf, bytes: &[u8]) -> Result<()> {
    if out.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.write_all(b"\n")?;
        return Ok(());
    }
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))
}
