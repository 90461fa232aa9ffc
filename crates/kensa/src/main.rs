//! The `kensa` command line: a thin layer over the library crates.
#![forbid(unsafe_code)]

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Security assessment for AWS EC2 environments: network reachability, configuration
/// controls, safe remediation, CloudTrail detection and package vulnerabilities.
///
/// Works offline on a snapshot directory (AWS CLI `describe-*` JSON) or live against AWS.
#[derive(Debug, Parser)]
#[command(name = "kensa", version, propagate_version = true)]
struct Cli {
    /// More log output (-v info, -vv debug); logs go to stderr.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Network reachability: which ports of which instances and load balancers can be
    /// reached from the Internet, peered VPCs, VPN and transit gateways (Inspector-style
    /// findings).
    Scan(cmd::scan::Args),
    /// Can a packet get from A to B? Every hop, and the component that blocks it
    /// (VPC Reachability Analyzer style).
    Path(cmd::path::Args),
    /// Answer a Network Access Analyzer scope (JSON) exactly over a snapshot: every path
    /// it matches, as findings.
    Scope(cmd::scope::Args),
    /// Run a compliance framework (fsbp, cis-aws-3.0, aws-config, or a YAML file) over a
    /// snapshot: per control PASSED / FAILED / NOT_APPLICABLE, as table, JSON, CSV or HTML.
    Compliance(cmd::compliance::Args),
    /// An assessment report for auditors: executive summary, every finding with its
    /// resources and network path drawings, instances, exclusions; HTML or PDF.
    Report(cmd::report::Args),
    /// List the configuration controls, or show one control's documentation.
    Rules(cmd::rules::Args),
    /// CloudTrail detection with Falco-format rules: check rule files, replay logs.
    Trail(cmd::trail::Args),
    /// Continuous protection: CloudTrail change events applied to the network model, each
    /// exposure that opens or closes alerted with its path (offline replay of files).
    Watch(cmd::watch::Args),
    /// Package vulnerabilities: scan a host's packages against vendor advisories, compare
    /// rpm/deb/apk versions.
    Vuln(cmd::vuln::Args),
    /// Host rules packages (Security Best Practices, Runtime Behavior Analysis, CIS
    /// subset) over a mounted root filesystem or an agent's telemetry.
    Host(cmd::host::Args),
    /// The local advisory database: import feeds, download updates, show what it holds.
    Db(cmd::db::Args),
    /// Generate synthetic data (an account snapshot, CloudTrail logs, advisories) for
    /// tests and benchmarks. A development tool: hidden from `--help`.
    #[command(hide = true)]
    Synth(cmd::synth::Args),
    /// Assessment targets: accounts/regions, or a resource group of tag pairs.
    Target(cmd::target::Args),
    /// Assessment templates: target + packages + user attributes + event subscriptions.
    Template(cmd::template::Args),
    /// Assessment runs: start a template over a snapshot, list, show, cancel.
    Run(cmd::run::Args),
    /// Stored findings: list with filters, show, diff two runs, mute rules.
    Findings(cmd::findings::Args),
    /// What a run could not assess (and a preview before running a template).
    Exclusions(cmd::exclusions::Args),
    /// Serve the HTTP API and dashboard over the store (roles, TLS, audit log).
    Serve(cmd::serve::Args),
    /// API tokens for `kensa serve`: create (secret shown once), list, revoke.
    Token(cmd::token::Args),
    /// Cron schedules on templates, fired by `kensa serve` and its workers.
    Schedule(cmd::schedule::Args),
    /// The IAM role and ExternalId kensa assumes for each AWS account (admin).
    Account(cmd::account::Args),
    /// Take a live snapshot of AWS accounts and regions (AWS CLI JSON layout).
    #[cfg(feature = "aws")]
    Collect(cmd::collect::Args),
    /// Fix world-open security group rules and risky account settings: plan, apply
    /// (journaled and verified), roll back, IAM policy.
    #[cfg(feature = "aws")]
    Remediate(cmd::remediate::Args),
}

// A whole-account run allocates and frees millions of small strings, sets and maps;
// mimalloc made the 100,000-instance analysis about a third faster than glibc's malloc
// (`account_scan --dir`, see README "Performance").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A server logs its requests by default; other commands only warnings.
    let verbose = match cli.command {
        Command::Serve(_) => cli.verbose.max(1),
        _ => cli.verbose,
    };
    init_logging(verbose);
    let result: anyhow::Result<ExitCode> = match cli.command {
        Command::Scan(a) => cmd::scan::run(a),
        Command::Path(a) => cmd::path::run(a),
        Command::Scope(a) => cmd::scope::run(a),
        Command::Compliance(a) => cmd::compliance::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Rules(a) => cmd::rules::run(a),
        Command::Trail(a) => cmd::trail::run(a),
        Command::Vuln(a) => cmd::vuln::run(a),
        Command::Host(a) => cmd::host::run(a),
        Command::Watch(a) => cmd::watch::run(a),
        Command::Db(a) => cmd::db::run(a),
        Command::Synth(a) => cmd::synth::run(a),
        Command::Target(a) => cmd::target::run(a),
        Command::Template(a) => cmd::template::run(a),
        Command::Run(a) => cmd::run::run(a),
        Command::Findings(a) => cmd::findings::run(a),
        Command::Exclusions(a) => cmd::exclusions::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Token(a) => cmd::token::run(a),
        Command::Schedule(a) => cmd::schedule::run(a),
        Command::Account(a) => cmd::account::run(a),
        #[cfg(feature = "aws")]
        Command::Collect(a) => cmd::collect::run(a),
        #[cfg(feature = "aws")]
        Command::Remediate(a) => cmd::remediate::run(a),
    };
    match result {
        Ok(code) => code,
        // `kensa scan | head` closes the pipe early: that is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let message = error_chain(&err);
            eprintln!("error: {}", cmd::output::escape_controls(&message));
            ExitCode::from(cmd::output::exit::FATAL)
        }
    }
}

/// The error and its causes, `a: b: c`, leaving out a cause its parent already quoted.
fn error_chain(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause.to_string().contains("Broken pipe")
    })
}

fn init_logging(verbose: u8) {
    // sqlx warns of every statement slower than a second, with its whole text: a bulk
    // insert of thousands of rows is slow by design, and the warning drowned the run's
    // own output. It shows from -vv.
    let level = match verbose {
        0 => "warn,sqlx::query=error",
        1 => "info,sqlx::query=error",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KENSA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
