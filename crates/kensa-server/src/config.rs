//! How the server runs: where it listens, TLS, limits, which snapshot directories a run
//! may read, and whether this process is a worker.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use kensa_store::Location;

/// Everything `kensa serve` was told on its command line.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where the HTTP(S) listener binds (`--bind`).
    pub bind: SocketAddr,
    /// The kensa store (SQLite file or PostgreSQL URL).
    pub store: Location,
    /// HTTPS with this certificate and key; plain HTTP without.
    pub tls: Option<TlsConfig>,
    /// Largest request body accepted, in bytes (413 above it).
    pub body_limit: usize,
    /// Snapshot directories a run started over the API may read (a run's `input` must
    /// be inside one of them); empty = only the demo account (and live AWS when built).
    pub input_roots: Vec<PathBuf>,
    /// Login attempts allowed per client address per minute.
    pub login_per_minute: u32,
    /// `kensa serve --worker`: claim and execute queued work (see `jobs`).
    pub worker: bool,
    /// Leases, heartbeats and polling of queued runs and schedules.
    pub jobs: crate::jobs::JobSettings,
    /// Live collection from AWS (runs with input `live`), when the binary has it.
    pub live: Option<LiveSource>,
    /// How runs deliver their notifications and exports. The default has webhooks
    /// only; the binary adds SNS and Security Hub when it is built with AWS support,
    /// so that a template subscribed to a topic or a hub delivers from the server as
    /// it does from `kensa run start`.
    pub notifier: RunNotifier,
    /// How long after a rollback started an admin may reset its journal when it is
    /// still `rolling-back` (its process died): long enough that no live rollback is
    /// taken from under it.
    pub rollback_reset_after: std::time::Duration,
    /// How remediation rollbacks reach AWS (profile, endpoint; feature `aws`).
    #[cfg(feature = "aws")]
    pub aws: kensa_aws::session::Target,
}

/// The binary's live collector (kensa-server itself does not link the AWS SDK).
#[derive(Clone)]
pub struct LiveSource(pub std::sync::Arc<dyn crate::jobs::LiveCollector>);

impl std::fmt::Debug for LiveSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveSource")
    }
}

/// The notifier runs executed by this process use (see [`ServerConfig::notifier`]).
#[derive(Clone, Default)]
pub struct RunNotifier(pub kensa_assess::notify::Notifier);

impl std::fmt::Debug for RunNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunNotifier")
    }
}

impl ServerConfig {
    /// Defaults for everything but the store: loopback, no TLS, 1 MiB bodies.
    pub fn new(store: Location) -> ServerConfig {
        ServerConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            store,
            tls: None,
            body_limit: 1024 * 1024,
            input_roots: Vec::new(),
            login_per_minute: 10,
            worker: false,
            jobs: crate::jobs::JobSettings::default(),
            live: None,
            notifier: RunNotifier::default(),
            rollback_reset_after: std::time::Duration::from_secs(15 * 60),
            #[cfg(feature = "aws")]
            aws: kensa_aws::session::Target::default(),
        }
    }

    /// Whether `path` (canonicalised) lies inside an allowed snapshot root.
    pub fn input_allowed(&self, path: &Path) -> bool {
        let Ok(path) = path.canonicalize() else {
            return false;
        };
        self.input_roots.iter().any(|root| {
            root.canonicalize()
                .map(|root| path.starts_with(root))
                .unwrap_or(false)
        })
    }
}

/// A PEM certificate chain and its private key.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// The PEM certificate chain (`--tls-cert`).
    pub cert: PathBuf,
    /// The PEM private key (`--tls-key`).
    pub key: PathBuf,
}

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read or holds nothing usable.
    #[error("TLS: cannot read {path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What was wrong with it.
        message: String,
    },
    /// rustls refused the certificate and key.
    #[error("TLS: {0}")]
    Config(String),
}

impl TlsConfig {
    /// Reads the PEM files into a rustls server configuration (ring provider).
    pub fn load(&self) -> Result<axum_server::tls_rustls::RustlsConfig, TlsError> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let read_err = |path: &Path, message: String| TlsError::Read {
            path: path.to_path_buf(),
            message,
        };
        let certs = CertificateDer::pem_file_iter(&self.cert)
            .map_err(|e| read_err(&self.cert, e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| read_err(&self.cert, e.to_string()))?;
        if certs.is_empty() {
            return Err(read_err(&self.cert, "no certificate in the file".into()));
        }
        let key = PrivateKeyDer::from_pem_file(&self.key)
            .map_err(|e| read_err(&self.key, e.to_string()))?;
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| TlsError::Config(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(axum_server::tls_rustls::RustlsConfig::from_config(
            std::sync::Arc::new(config),
        ))
    }
}
