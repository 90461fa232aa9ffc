//! Reading a document from untrusted bytes (the server's upload endpoint).
use crate::{Telemetry, SCHEMA_VERSION};

/// The largest decompressed document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// Why a document was refused.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The document is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("document is {size} bytes, more than the {limit} allowed")]
    TooLarge {
        /// The document's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Not JSON, or JSON of another shape.
    #[error("not a telemetry document: {0}")]
    Json(#[from] serde_json::Error),
    /// Written by a collector of another [`SCHEMA_VERSION`](crate::SCHEMA_VERSION).
    #[error("schema_version {found} is not supported (this server reads {expected})")]
    Version {
        /// The document's version.
        found: u64,
        /// The version this build reads.
        expected: u32,
    },
    /// A field's value is out of its bounds.
    #[error("field {field}: {reason}")]
    Field {
        /// The field, as a JSON path.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl Telemetry {
    /// Parses and checks a document: size, schema version first (so that a newer
    /// layout is refused for its version, not for a missing field), then the fields.
    pub fn from_json(bytes: &[u8]) -> Result<Telemetry, SchemaError> {
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(SchemaError::TooLarge {
                size: bytes.len(),
                limit: MAX_DOCUMENT_BYTES,
            });
        }
        #[derive(serde::Deserialize)]
        struct Versioned {
            schema_version: Option<u64>,
        }
        let found = serde_json::from_slice::<Versioned>(bytes)?
            .schema_version
            .ok_or(SchemaError::Field {
                field: "schema_version",
                reason: "missing".into(),
            })?;
        if found != u64::from(SCHEMA_VERSION) {
            return Err(SchemaError::Version {
                found,
                expected: SCHEMA_VERSION,
            });
        }
        let doc: Telemetry = serde_json::from_slice(bytes)?;
        doc.check()?;
        Ok(doc)
    }

    /// Field checks serde's types do not express.
    pub fn check(&self) -> Result<(), SchemaError> {
        let field = |field, reason: &str| {
            Err(SchemaError::Field {
                field,
                reason: reason.into(),
            })
        };
        if self.agent_version.trim().is_empty() {
            return field("agent_version", "empty");
        }
        if self.host.hostname.trim().is_empty() {
            return field("host.hostname", "empty");
        }
        if !is_rfc3339_utc(&self.collected_at) {
            return field(
                "collected_at",
                "not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)",
            );
        }
        if self.mode == crate::CollectionMode::Root && self.listeners.is_some() {
            return field("listeners", "a mounted root has no runtime listeners");
        }
        for l in self.listeners.iter().flatten() {
            if l.address.parse::<std::net::IpAddr>().is_err() {
                return field("listeners[].address", "not an IP address");
            }
        }
        Ok(())
    }
}

pub(crate) fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && s.ends_with('Z')
        && [0..4, 5..7, 8..10, 11..13, 14..16, 17..19]
            .into_iter()
            .all(|r| b[r].iter().all(u8::is_ascii_digit))
}
