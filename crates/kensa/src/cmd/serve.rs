//! `kensa serve`: the HTTP API and dashboard over the store.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_server::{ServerConfig, TlsConfig};
use kensa_store::Location;

use super::store_common::StoreArgs;

/// Serve the API (`/api/v1`, OpenAPI at `/api/v1/openapi.json`), the dashboard (`/`),
/// `/healthz` and `/metrics`. Every request but those two and the login needs a token
/// (`kensa token create`). Logs go to stderr at info level (never a token). Runs are
/// queued: `--worker` processes take them when any run, else this server runs them.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    /// Address and port to listen on. Anything but loopback should use --tls-cert.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    bind: SocketAddr,
    /// PEM certificate chain: serve HTTPS (rustls) instead of HTTP. Needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A directory under which runs started over the API may read snapshot
    /// directories (repeatable). Without it, API runs may only use the demo account.
    #[arg(long = "allow-input", value_name = "DIR")]
    allow_input: Vec<PathBuf>,
    /// Largest request body in bytes (larger requests get 413).
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES")]
    max_body: usize,
    /// Login attempts allowed per client address per minute.
    #[arg(long, default_value_t = 10, value_name = "N")]
    login_per_minute: u32,
    /// Run as a worker: no HTTP listener; claim queued runs (started over the API or by
    /// schedules) from the shared PostgreSQL store, one at a time, and fire due
    /// schedules. Start as many as you like, on any machines. Refuses a SQLite store.
    #[arg(long)]
    worker: bool,
    /// Seconds a claimed run stays its worker's without a heartbeat (renewed every
    /// third of it). A dead worker's run is retried by another after this long.
    #[arg(long, default_value_t = 60, value_name = "SECS", value_parser = clap::value_parser!(u64).range(3..))]
    lease_seconds: u64,
    /// Seconds between looks for queued runs and due schedules when idle.
    #[arg(long, default_value_t = 5, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    poll_seconds: u64,
    /// Claims of one run, or of one account × region of a live run, before it is given
    /// up: a run is marked FAILED; a region is left out of its run, which completes with
    /// errors and an exclusion naming the account and region.
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
    max_attempts: i64,
    // AWS settings of runs started with input `live` (their regions, and the caller's
    // own account unless account roles are stored: then each role's account).
    #[cfg(feature = "aws")]
    #[command(flatten)]
    aws: super::collect::AwsArgs,
    /// Continuous protection in this server: a YAML file with the options of `kensa
    /// watch` for a live source (snapshot, s3 or sqs, region, endpoint_url, policies,
    /// state_dir, journal_dir, resync_every; see the README). The watcher's state, its
    /// remediations (approvable by operators) and its alerts are in this store.
    #[cfg(feature = "aws")]
    #[arg(long, value_name = "CONFIG", conflicts_with = "worker")]
    watch: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = match &args.store.store {
        Some(s) => Location::parse(s),
        None => Location::default_file()?,
    };
    for dir in &args.allow_input {
        anyhow::ensure!(
            dir.is_dir(),
            "--allow-input {}: not a directory",
            dir.display()
        );
    }
    if args.worker {
        kensa_server::jobs::check_worker_store(&store).map_err(anyhow::Error::msg)?;
    }
    let mut config = ServerConfig::new(store);
    config.worker = args.worker;
    config.jobs.lease = std::time::Duration::from_secs(args.lease_seconds);
    config.jobs.poll = std::time::Duration::from_secs(args.poll_seconds);
    config.jobs.max_attempts = args.max_attempts;
    config.bind = args.bind;
    config.tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsConfig { cert, key }),
        _ => None,
    };
    config.input_roots = args.allow_input;
    config.body_limit = args.max_body;
    config.login_per_minute = args.login_per_minute;
    config.notifier = kensa_server::RunNotifier(super::notify_sinks::notifier());
    #[cfg(feature = "aws")]
    {
        let live = super::serve_live::AwsLive {
            base: args.aws.target(),
        };
        config.live = Some(kensa_server::LiveSource(std::sync::Arc::new(live)));
    }
    #[cfg(feature = "aws")]
    let watch = match &args.watch {
        Some(path) => Some(super::serve_watch::ServeWatch::load(path)?),
        None => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    #[cfg(feature = "aws")]
    if let Some(watch) = watch {
        // Migrated once here, before the server and the watcher both open it.
        rt.block_on(async {
            let store = kensa_store::Store::open(&config.store).await?;
            store.close().await;
            anyhow::Ok(())
        })?;
        watch.spawn(config.store.clone())?;
    }
    rt.block_on(kensa_server::serve(config))?;
    Ok(ExitCode::SUCCESS)
}
