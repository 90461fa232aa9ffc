//! `kensa-agent run`: enroll once, then on a schedule collect, spool, heartbeat and
//! deliver. Outbound only: the agent never listens on a port.
//!
//! Exactly-once delivery: each report gets an upload id (UUID) and the next sequence
//! number when it is spooled, and leaves the spool only when the server answers 201
//! (stored) or 409 (already stored, or older than what it has). A report whose answer
//! was lost is sent again and the server recognises it; reports go in sequence order,
//! so the server can refuse anything at or below the last sequence it stored.
mod client;
mod pin;
mod spool;
mod tls;

pub use pin::{PinMismatch, SpkiPin};
pub use spool::{Pending, SpoolError, MAX_PENDING};

use std::io::Write;
use std::path::PathBuf;

use kensa_telemetry::{AlertBatch, Telemetry};
use serde_json::json;

use client::Client;
use spool::{Credential, Spool};

/// What a run needs besides the collector.
pub struct Settings {
    /// Base URL of `kensa serve`, `https://host[:port]` (plain `http://` only for
    /// loopback or with `allow_http`). A stored credential is used only for this server.
    pub server: String,
    /// The enrollment token (used once, while no credential is stored).
    pub enrollment_token: String,
    /// Spool directory (created mode 0700): credential, sequence counter, outbox.
    pub spool: PathBuf,
    /// PEM certificate to trust instead of the web roots (private CA, self-signed server).
    pub ca_cert: Option<PathBuf>,
    /// SHA-256 pins of the server certificate's public key, checked after chain
    /// validation; empty: no pinning.
    pub pins: Vec<SpkiPin>,
    /// Allow plain HTTP to a non-loopback server (sends the credential in clear).
    pub allow_http: bool,
}

/// What one cycle did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CycleReport {
    /// This cycle enrolled (no credential for this server was stored before).
    pub enrolled: bool,
    /// Sequence numbers the server stored (answered 201), in order.
    pub delivered: Vec<u64>,
    /// Refused for good by the server (moved to `rejected/`).
    pub rejected: Vec<u64>,
    /// Uploads still in the outbox after the cycle.
    pub pending: usize,
    /// Sequence numbers of alert batches the server stored, in order.
    pub alerts_delivered: Vec<u64>,
    /// Alert batches still in their outbox after the cycle.
    pub alerts_pending: usize,
    /// Why delivery stopped early (server unreachable, credential refused).
    pub stopped: Option<String>,
}

/// The delivery side of a running agent: its spool and its HTTP client to one server.
pub struct Agent {
    settings: Settings,
    spool: Spool,
    /// The watcher's alerts: their own outbox and sequence, same credential.
    alerts: Spool,
    /// The run loop and the watcher thread both deliver alerts; one at a time, so
    /// that an alert is not sent twice at once.
    alert_lock: std::sync::Mutex<()>,
    client: Client,
}

const CREDENTIAL_HEADER: &str = "x-kensa-agent-token";
const TELEMETRY_PATH: &str = "/api/v1/agents/telemetry";
const ALERTS_PATH: &str = "/api/v1/agents/alerts";

/// What one outbox pass stored and refused.
#[derive(Default)]
struct Sent {
    stored: Vec<u64>,
    rejected: Vec<u64>,
}

/// Why a delivery cycle could not run at all (a server that is away is not an error:
/// it is reported in [`CycleReport::stopped`]).
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// The spool directory could not be read or written, or holds a corrupt file.
    #[error(transparent)]
    Spool(#[from] spool::SpoolError),
    /// Bad settings (server URL, CA certificate) or a document that cannot be gzipped.
    #[error("{0}")]
    Setup(String),
}

impl Agent {
    /// Opens (creating) the spool and builds the client; fails on an unusable spool,
    /// a non-HTTP(S) URL, plain HTTP to a remote host, or an unreadable CA certificate.
    /// Nothing is sent yet.
    pub fn new(settings: Settings) -> Result<Agent, DeliverError> {
        let spool = Spool::open(&settings.spool)?;
        let alerts = Spool::open(&settings.spool.join("alerts"))?;
        let client = Client::new(
            &settings.server,
            settings.ca_cert.as_deref(),
            &settings.pins,
            settings.allow_http,
        )
        .map_err(DeliverError::Setup)?;
        Ok(Agent {
            settings,
            spool,
            alerts,
            alert_lock: std::sync::Mutex::new(()),
            client,
        })
    }

    /// Gzips a document and puts it in the spool.
    pub fn enqueue(&self, doc: &Telemetry) -> Result<Pending, DeliverError> {
        let json = serde_json::to_vec(doc).expect("telemetry serialises");
        Ok(self.spool.enqueue(&gzip(&json)?)?)
    }

    /// Gzips a batch of the watcher's alerts and puts it in the alerts outbox.
    pub fn enqueue_alerts(&self, batch: &AlertBatch) -> Result<Pending, DeliverError> {
        let json = serde_json::to_vec(batch).expect("alerts serialise");
        Ok(self.alerts.enqueue(&gzip(&json)?)?)
    }

    /// Enrolls if needed, sends a heartbeat and delivers the spool in order.
    pub fn deliver(&self, hostname: &str) -> Result<CycleReport, DeliverError> {
        let mut report = CycleReport::default();
        let credential = match self.spool.credential()? {
            Some(c) if c.server == self.settings.server => c,
            _ => match self.enroll(hostname) {
                Ok(c) => {
                    report.enrolled = true;
                    c
                }
                Err(reason) => {
                    report.stopped = Some(reason);
                    report.pending = self.spool.pending()?.len();
                    return Ok(report);
                }
            },
        };
        let auth = [(CREDENTIAL_HEADER, credential.credential.as_str())];
        let beat = json!({ "agent_version": env!("CARGO_PKG_VERSION") });
        match self
            .client
            .post_json("/api/v1/agents/heartbeat", &auth, &beat)
        {
            Ok((204, _)) => {}
            Ok((status, body)) => tracing::warn!(status, %body, "heartbeat refused"),
            Err(e) => tracing::warn!(reason = %e, "heartbeat not delivered"),
        }
        let token = credential.credential.as_str();
        let mut sent = Sent::default();
        let mut stopped = self.send_outbox(&self.spool, TELEMETRY_PATH, token, &mut sent)?;
        report.delivered = std::mem::take(&mut sent.stored);
        report.rejected = std::mem::take(&mut sent.rejected);
        if stopped.is_none() {
            let _one_sender = self.alert_lock.lock().unwrap_or_else(|e| e.into_inner());
            stopped = self.send_outbox(&self.alerts, ALERTS_PATH, token, &mut sent)?;
            report.alerts_delivered = sent.stored;
        }
        report.stopped = stopped;
        report.pending = self.spool.pending()?.len();
        report.alerts_pending = self.alerts.pending()?.len();
        Ok(report)
    }

    /// Delivers waiting alerts only (the watcher calls this as soon as it spools one);
    /// before enrollment they wait for [`Agent::deliver`].
    pub fn deliver_alerts(&self) -> Result<CycleReport, DeliverError> {
        let mut report = CycleReport::default();
        let _one_sender = self.alert_lock.lock().unwrap_or_else(|e| e.into_inner());
        match self.spool.credential()? {
            Some(c) if c.server == self.settings.server => {
                let mut sent = Sent::default();
                report.stopped =
                    self.send_outbox(&self.alerts, ALERTS_PATH, &c.credential, &mut sent)?;
                report.alerts_delivered = sent.stored;
            }
            _ => report.stopped = Some("not enrolled yet".into()),
        }
        report.alerts_pending = self.alerts.pending()?.len();
        Ok(report)
    }

    /// Sends one outbox in sequence order until it is empty or the server stops
    /// answering; `Some(reason)` when delivery stopped early.
    fn send_outbox(
        &self,
        spool: &Spool,
        path: &str,
        credential: &str,
        sent: &mut Sent,
    ) -> Result<Option<String>, DeliverError> {
        for p in spool.pending()? {
            let seq = p.sequence.to_string();
            let body = std::fs::read(&p.path).map_err(|e| {
                DeliverError::Spool(spool::SpoolError::Io {
                    path: p.path.clone(),
                    source: e,
                })
            })?;
            let headers = [
                (CREDENTIAL_HEADER, credential),
                ("x-kensa-upload-id", p.upload_id.as_str()),
                ("x-kensa-sequence", seq.as_str()),
            ];
            match self.client.post_gzip(path, &headers, &body) {
                Ok((201, _)) => {
                    spool.done(&p)?;
                    sent.stored.push(p.sequence);
                }
                Ok((409, answer)) => {
                    tracing::info!(path, sequence = p.sequence, %answer, "server already has this upload");
                    spool.done(&p)?;
                }
                Ok((400 | 413, answer)) => {
                    tracing::error!(path, sequence = p.sequence, %answer, "upload refused by the server; kept in rejected/");
                    spool.reject(&p)?;
                    sent.rejected.push(p.sequence);
                }
                Ok((401, answer)) => {
                    return Ok(Some(format!(
                        "credential refused ({answer}); remove credential.json from the spool to enroll again"
                    )));
                }
                Ok((status, answer)) => {
                    return Ok(Some(format!("server answered {status}: {answer}")));
                }
                Err(e) => return Ok(Some(e.to_string())),
            }
        }
        Ok(None)
    }

    fn enroll(&self, hostname: &str) -> Result<Credential, String> {
        let answer = self.client.post_json(
            "/api/v1/agents/enroll",
            &[(
                "x-kensa-enrollment-token",
                self.settings.enrollment_token.as_str(),
            )],
            &json!({ "hostname": hostname, "agent_version": env!("CARGO_PKG_VERSION") }),
        );
        let (status, body) = answer.map_err(|e| format!("enrollment: {e}"))?;
        if status != 201 {
            return Err(format!("enrollment refused ({status}): {body}"));
        }
        #[derive(serde::Deserialize)]
        struct Enrolled {
            agent_id: String,
            credential: String,
        }
        let e: Enrolled =
            serde_json::from_str(&body).map_err(|e| format!("enrollment answer: {e}"))?;
        let credential = Credential {
            server: self.settings.server.clone(),
            agent_id: e.agent_id,
            credential: e.credential,
        };
        self.spool
            .save_credential(&credential)
            .map_err(|e| e.to_string())?;
        tracing::info!(agent = %credential.agent_id, "enrolled");
        Ok(credential)
    }
}

fn gzip(json: &[u8]) -> Result<Vec<u8>, DeliverError> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(json)
        .map_err(|e| DeliverError::Setup(format!("gzip: {e}")))?;
    gz.finish()
        .map_err(|e| DeliverError::Setup(format!("gzip: {e}")))
}
