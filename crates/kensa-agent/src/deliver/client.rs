//! The agent's HTTP client: blocking, rustls, outbound only, short timeouts; every
//! answer is read as a status and a small body, never followed to another host.
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{Connector, TcpConnector};

use super::pin::SpkiPin;
use super::tls::{pinned_config, PinnedTlsConnector};

/// Largest answer body read from the server.
const MAX_ANSWER: u64 = 64 * 1024;

/// A status and body, or why no answer came.
pub type Answer = Result<(u16, String), Failure>;

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No connection (refused, timed out, DNS): worth retrying later.
    Unreachable(String),
    /// The TLS handshake was refused here: certificate chain, name or pin. Retrying
    /// will not help until the certificate or the agent's settings change.
    TlsRefused(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreachable(e) => write!(f, "server unreachable: {e}"),
            Failure::TlsRefused(e) => write!(f, "server's TLS certificate refused: {e}"),
        }
    }
}

/// A client bound to one server base URL.
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    /// `server`: `https://host[:port]`. Plain `http://` is accepted for loopback only
    /// unless `allow_http` says otherwise. `ca_cert`: trust only this PEM certificate
    /// (a private CA or the server's self-signed certificate) instead of the web roots.
    /// `pins`: the server certificate's public key must also be one of these.
    pub fn new(
        server: &str,
        ca_cert: Option<&Path>,
        pins: &[SpkiPin],
        allow_http: bool,
    ) -> Result<Client, String> {
        let base = server.trim_end_matches('/').to_string();
        let authority = base
            .split_once("://")
            .and_then(|(_, rest)| rest.split('/').next())
            .unwrap_or("");
        let loopback = authority.starts_with("127.")
            || authority.starts_with("[::1]")
            || authority == "localhost"
            || authority.starts_with("localhost:");
        if base.starts_with("http://") && !(loopback || allow_http) {
            return Err(format!(
                "{server}: plain HTTP would send the agent's credential in clear; use https:// (or --allow-http)"
            ));
        }
        if !base.starts_with("https://") && !base.starts_with("http://") {
            return Err(format!("{server}: not an http(s) URL"));
        }
        if !pins.is_empty() && base.starts_with("http://") {
            return Err(format!(
                "{server}: certificate pins need an https:// server"
            ));
        }
        let mut tls = TlsConfig::builder();
        let mut roots = Vec::new();
        if let Some(path) = ca_cert {
            let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("{}: not a PEM certificate: {e}", path.display()))?;
            roots = CertificateDer::pem_slice_iter(&pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{}: not a PEM certificate: {e}", path.display()))?;
            tls = tls.root_certs(RootCerts::Specific(Arc::new(vec![cert])));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .timeout_connect(Some(Duration::from_secs(5)))
            .http_status_as_error(false)
            .max_redirects(0)
            .tls_config(tls.build())
            .build();
        let agent = if pins.is_empty() {
            config.into()
        } else {
            let tls = pinned_config(roots, pins.to_vec())?;
            let connector =
                ().chain(TcpConnector::default())
                    .chain(PinnedTlsConnector { config: tls });
            ureq::Agent::with_parts(config, connector, DefaultResolver::default())
        };
        Ok(Client { agent, base })
    }

    /// POSTs a JSON body to `path` (relative to the base URL).
    pub fn post_json(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> Answer {
        let mut req = self.agent.post(&format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.send_json(body))
    }

    /// POSTs an already gzipped JSON body to `path`, with `content-encoding: gzip`.
    pub fn post_gzip(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let mut req = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header("content-encoding", "gzip");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.send(body))
    }
}

fn read(sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut resp = sent.map_err(|e| match e {
        ureq::Error::Rustls(tls) => Failure::TlsRefused(tls_text(&tls)),
        ureq::Error::Tls(tls) => Failure::TlsRefused(tls.to_string()),
        ureq::Error::Io(io) => match io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(tls) => Failure::TlsRefused(tls_text(tls)),
            None => Failure::Unreachable(io.to_string()),
        },
        other => Failure::Unreachable(other.to_string()),
    })?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_string()
        .unwrap_or_default();
    Ok((status, body))
}

/// rustls shows a verifier's own error with `Debug`; ours (a pin mismatch) reads better
/// with its `Display`.
fn tls_text(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) => {
            format!("invalid peer certificate: {}", other.0)
        }
        e => e.to_string(),
    }
}
