//! Whether a raw record can hold an instance-profile session, read from the bytes before
//! any parse (the rules about instance credentials skip the records that cannot).
//!
//! The answer must never be "no" for a record a parser reads as an instance session: a
//! JSON string may spell any character with an escape (`\/`, `\u002f`, `\u0069-`), so
//! strings holding escapes are decoded first and judged on their decoded text.
use std::borrow::Cow;

const MARK: &[u8] = b":assumed-role/";

/// Whether the raw record holds an assumed-role ARN whose session is named after an
/// instance (`...:assumed-role/<role>/i-<hex>`); `true` when unsure (then the record is
/// parsed and judged on its values).
pub(crate) fn has_instance_session(raw: &[u8]) -> bool {
    if memchr::memchr(b'\\', raw).is_none() {
        return session_in(raw);
    }
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'"', &raw[at..]).map(|k| at + k) {
        let Some(close) = string_end(raw, open + 1) else {
            return true; // an unterminated string: left to the parse, which reports it
        };
        match decoded(&raw[open..=close]) {
            Some(text) if session_in(text.as_bytes()) => return true,
            Some(_) => {}
            None => return true, // an escape a parser rejects: the parse reports it
        }
        at = close + 1;
    }
    false
}

/// Whether `text` (raw bytes with no escapes, or one decoded string) holds an
/// assumed-role ARN whose last path element starts with `i-`. In raw bytes an ARN ends
/// at the closing quote of its string.
fn session_in(text: &[u8]) -> bool {
    // Built once: `memmem::find` builds a searcher on every call, which cost more than
    // the search itself on short records.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(MARK));
    let mut from = 0;
    while let Some(k) = FINDER.find(&text[from..]) {
        let start = from + k + MARK.len();
        let end = memchr::memchr(b'"', &text[start..]).map_or(text.len(), |e| start + e);
        let arn_tail = &text[start..end];
        if let Some(slash) = memchr::memrchr(b'/', arn_tail) {
            if arn_tail[slash + 1..].starts_with(b"i-") {
                return true;
            }
        }
        from = end;
    }
    false
}

/// The index of the quote closing the string whose text starts at `from`.
fn string_end(raw: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let k = from + memchr::memchr2(b'"', b'\\', raw.get(from..)?)?;
        if raw[k] == b'"' {
            return Some(k);
        }
        from = k + 2; // the escaped character is never the closing quote
    }
}

/// The text of one JSON string literal (quotes included), escapes decoded.
fn decoded(literal: &[u8]) -> Option<Cow<'_, str>> {
    let inner = &literal[1..literal.len() - 1];
    if memchr::memchr(b'\\', inner).is_none() {
        return std::str::from_utf8(inner).ok().map(Cow::Borrowed);
    }
    serde_json::from_slice::<String>(literal)
        .ok()
        .map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(arn: &str) -> String {
        format!(
            r#"{{"eventName":"X","userIdentity":{{"arn":"{arn}"}},"note":"a \"quoted\" word"}}"#
        )
    }

    #[test]
    fn plain_and_escaped_arns_are_found() {
        for arn in [
            "arn:aws:sts::1:assumed-role/web/i-0abc12345def67890",
            r"arn:aws:sts::1:assumed-role\/web\/i-0abc12345def67890",
            r"arn:aws:sts::1:assumed-role/web\u002fi-0abc12345def67890",
            r"arn:aws:sts::1:assumed-role/web/\u0069-0abc12345def67890",
            r"arn:aws:sts::1\u003aassumed\u002drole/web/i\u002D0abc12345def67890",
        ] {
            assert!(has_instance_session(record(arn).as_bytes()), "{arn}");
        }
    }

    #[test]
    fn other_sessions_are_not() {
        for arn in [
            "arn:aws:sts::1:assumed-role/web/bob",
            r"arn:aws:sts::1:assumed-role\/web\/bob",
            r"arn:aws:iam::1:user\/i-am-a-user",
        ] {
            assert!(!has_instance_session(record(arn).as_bytes()), "{arn}");
        }
    }

    #[test]
    fn unsure_records_go_to_the_parse() {
        assert!(has_instance_session(br#"{"a":"x\"#));
        assert!(has_instance_session(br#"{"a":"\uZZZZ"}"#));
    }
}
