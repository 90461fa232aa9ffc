//! The findings list's opaque paging cursor: the severity and id of the last finding of
//! a page, base64url-encoded so clients treat it as a token, not something to build.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use kensa_model::Severity;
use kensa_store::{FindingCursor, StoredFinding};

use crate::error::ApiError;

/// Longest cursor accepted (a finding id is a short hash).
const MAX_CURSOR: usize = 256;

/// The cursor of the page after `last`.
pub fn after(last: &StoredFinding) -> String {
    let c = FindingCursor::after(last);
    URL_SAFE_NO_PAD.encode(format!("{}:{}", c.severity.as_str(), c.id))
}

/// A cursor this API gave out, or a 400.
pub fn decode(text: &str) -> Result<FindingCursor, ApiError> {
    let bad = || ApiError::bad_request("cursor: not a `next_cursor` of this API");
    if text.len() > MAX_CURSOR {
        return Err(bad());
    }
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let plain = String::from_utf8(bytes).map_err(|_| bad())?;
    let (severity, id) = plain.split_once(':').ok_or_else(bad)?;
    let severity: Severity = severity.parse().map_err(|_| bad())?;
    if id.is_empty() {
        return Err(bad());
    }
    Ok(FindingCursor {
        severity,
        id: id.to_string(),
    })
}
