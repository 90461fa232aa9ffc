//! Certificate pinning: the SHA-256 of the server certificate's SubjectPublicKeyInfo,
//! base64, as HPKP and curl's `--pinnedpubkey sha256//...` write it. Checked in the
//! rustls verifier after (never instead of) normal chain and name validation, so a
//! pinned key signed by the wrong CA, or an unpinned key signed by the right one, is
//! refused during the handshake, before a byte of the request is sent.
use std::fmt;
use std::sync::Arc;

use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};
use sha2::{Digest, Sha256};

/// One pinned public key: SHA-256 of the DER SubjectPublicKeyInfo.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SpkiPin([u8; 32]);

impl SpkiPin {
    /// Parses `BASE64` or curl's `sha256//BASE64` (standard alphabet, padded: 44 chars).
    pub fn parse(text: &str) -> Result<SpkiPin, String> {
        let b64 = text.trim().strip_prefix("sha256//").unwrap_or(text.trim());
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| format!("pin {text:?}: not base64: {e}"))?;
        let digest: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            format!(
                "pin {text:?}: {} bytes, a SHA-256 pin is 32 (44 base64 characters)",
                b.len()
            )
        })?;
        Ok(SpkiPin(digest))
    }

    /// The pin of a DER certificate's public key.
    pub fn of_certificate(cert: &CertificateDer<'_>) -> Result<SpkiPin, String> {
        let parsed = webpki::EndEntityCert::try_from(cert)
            .map_err(|e| format!("server certificate does not parse: {e}"))?;
        let spki = parsed.subject_public_key_info();
        Ok(SpkiPin(Sha256::digest(spki.as_ref()).into()))
    }
}

impl fmt::Display for SpkiPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sha256//{}",
            base64::engine::general_purpose::STANDARD.encode(self.0)
        )
    }
}

impl fmt::Debug for SpkiPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why the handshake was refused; its text reaches the agent's log and exit status.
#[derive(Debug, thiserror::Error)]
#[error("certificate pin mismatch: the server's public key is {actual}, which is none of the pinned keys ({pinned})")]
pub struct PinMismatch {
    actual: String,
    pinned: String,
}

/// Chain validation by webpki, then the pin check on the end-entity certificate.
#[derive(Debug)]
pub struct PinnedVerifier {
    inner: Arc<WebPkiServerVerifier>,
    pins: Vec<SpkiPin>,
}

impl PinnedVerifier {
    /// `inner` validates chain, expiry and name; `pins` must not be empty.
    pub fn new(inner: Arc<WebPkiServerVerifier>, pins: Vec<SpkiPin>) -> PinnedVerifier {
        PinnedVerifier { inner, pins }
    }
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let actual = SpkiPin::of_certificate(end_entity)
            .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
        if self.pins.contains(&actual) {
            return Ok(verified);
        }
        let pinned = self
            .pins
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let mismatch = PinMismatch {
            actual: actual.to_string(),
            pinned,
        };
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(mismatch)),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::SpkiPin;

    #[test]
    fn parses_plain_and_curl_forms_and_names_bad_input() {
        let b64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        let plain = SpkiPin::parse(b64).unwrap();
        assert_eq!(SpkiPin::parse(&format!("sha256//{b64}")).unwrap(), plain);
        assert_eq!(plain.to_string(), format!("sha256//{b64}"));
        assert!(SpkiPin::parse("not base64!")
            .unwrap_err()
            .contains("not base64"));
        assert!(SpkiPin::parse("AAAA").unwrap_err().contains("3 bytes"));
    }
}
