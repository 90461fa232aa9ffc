//! `kensa-agent collect` and `kensa-agent run`.
#![forbid(unsafe_code)]

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use kensa_agent::{collect, deliver, imds};

mod watching;

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
    /// Enroll with a kensa server once, then collect and deliver on a schedule.
    /// Reports are spooled on disk and delivered in order, each once, when the server
    /// is reachable. The agent only connects out; it never listens.
    Run {
        /// The server, `https://kensa.example.com` (plain http for loopback only).
        #[arg(long, env = "KENSA_AGENT_SERVER")]
        server: String,
        /// Enrollment token made with `POST /api/v1/agents/enrollment-tokens`; used
        /// once, then the per-agent credential in the spool directory is.
        #[arg(long, env = "KENSA_AGENT_TOKEN", hide_env_values = true)]
        token: String,
        /// Spool directory: credential (0600), sequence number, undelivered reports.
        #[arg(long, default_value = "/var/lib/kensa-agent")]
        spool: PathBuf,
        /// Seconds between collections.
        #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(10..))]
        interval: u64,
        /// Seconds between heartbeats (and delivery retries).
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(5..))]
        heartbeat: u64,
        /// Trust only this PEM certificate for the server (private CA or the server's
        /// own self-signed certificate) instead of the public web roots.
        #[arg(long)]
        ca_cert: Option<PathBuf>,
        /// Pin the server's public key: base64 SHA-256 of its certificate's
        /// SubjectPublicKeyInfo (curl's `--pinnedpubkey sha256//...`; the prefix is
        /// optional). Repeat for a key rollover. Checked in addition to normal chain
        /// validation (web roots, or --ca-cert); a mismatch refuses the connection
        /// and the reports stay in the spool. Compute one with
        /// `openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`.
        #[arg(long = "pin-sha256", value_name = "BASE64", value_parser = parse_pin)]
        pin_sha256: Vec<deliver::SpkiPin>,
        /// Allow plain http:// to a non-loopback server (the credential travels in clear).
        #[arg(long)]
        allow_http: bool,
        /// One collection and delivery attempt, then exit (status 1 if reports remain).
        #[arg(long)]
        once: bool,
        /// Do not watch shell history files (on by default, except with --once).
        #[arg(long)]
        no_watch_history: bool,
        #[command(flatten)]
        source: Source,
    },
    /// Watch shell history files (bash, zsh) and print an alert, one JSON object per
    /// line, when one is deleted, truncated or replaced, with the process and user that
    /// did it when fanotify is available (root, Linux 5.1+), else "who unknown".
    Watch {
        /// Home directories to watch (default: root's and every /etc/passwd user's).
        #[arg(long = "home", value_name = "DIR")]
        homes: Vec<PathBuf>,
        /// Output file (appended to); `-` for standard output.
        #[arg(short = 'o', long = "output", default_value = "-")]
        out: PathBuf,
        /// Do not try fanotify (alerts then say "who unknown").
        #[arg(long)]
        no_fanotify: bool,
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
        Command::Run {
            server,
            token,
            spool,
            interval,
            heartbeat,
            ca_cert,
            pin_sha256,
            allow_http,
            once,
            no_watch_history,
            source,
        } => {
            let agent = deliver::Agent::new(deliver::Settings {
                server,
                enrollment_token: token,
                spool,
                ca_cert,
                pins: pin_sha256,
                allow_http,
            })?;
            let agent = std::sync::Arc::new(agent);
            if !(once || no_watch_history) {
                match watching::watcher(&[], true) {
                    Ok(w) => watching::spawn_delivery(w, agent.clone(), instance(&source)),
                    Err(e) => tracing::warn!(error = %e, "shell history is not watched"),
                }
            }
            run(&agent, &source, interval, heartbeat, once)
        }
        Command::Watch {
            homes,
            out,
            no_fanotify,
        } => {
            let watcher = watching::watcher(&homes, !no_fanotify)?;
            watching::print_alerts(watcher, &mut *watching::open_out(&out)?)
        }
    }
}

/// The schedule: collect every `interval`, heartbeat and retry delivery every
/// `heartbeat` seconds.
fn run(
    agent: &deliver::Agent,
    source: &Source,
    interval: u64,
    heartbeat: u64,
    once: bool,
) -> Result<()> {
    let mut next_collect = std::time::Instant::now();
    loop {
        if std::time::Instant::now() >= next_collect {
            let doc = collect_once(source);
            let p = agent.enqueue(&doc)?;
            tracing::info!(sequence = p.sequence, "report collected and spooled");
            next_collect += std::time::Duration::from_secs(interval);
        }
        let hostname = collect::hostname(&collect::Options::live());
        let report = agent.deliver(&hostname)?;
        match &report.stopped {
            Some(reason) => tracing::warn!(pending = report.pending, %reason, "delivery paused"),
            None => tracing::info!(
                delivered = report.delivered.len(),
                pending = report.pending,
                "delivered"
            ),
        }
        if once {
            anyhow::ensure!(
                report.pending == 0,
                "{} reports remain in the spool{}",
                report.pending,
                report
                    .stopped
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            );
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(heartbeat));
    }
}

/// The instance identity for alerts, asked once when IMDS is allowed.
fn instance(source: &Source) -> Option<(String, String)> {
    (source.imds == Imds::Auto)
        .then(|| imds::instance_identity(&source.imds_endpoint).ok())
        .flatten()
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

fn parse_pin(text: &str) -> Result<deliver::SpkiPin, String> {
    deliver::SpkiPin::parse(text)
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
