//! Debian version comparison, as `dpkg --compare-versions` does it.
//!
//! A version is `[epoch:]upstream[-revision]`. The epoch compares numerically (missing =
//! 0), then upstream and revision with dpkg's algorithm: alternate non-digit and digit
//! runs; in non-digit runs letters sort before non-letters, `~` before everything (even
//! the end of the string); digit runs compare numerically. A missing revision equals
//! "0". No allocation.
use std::cmp::Ordering;

use super::rpm::compare_numeric;

/// A Debian version split into its parts, borrowing the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebVersion<'a> {
    /// The digits before the first `:`; empty when absent (which means 0).
    pub epoch: &'a str,
    /// The upstream version, between the epoch and the last `-`.
    pub upstream: &'a str,
    /// The Debian revision after the last `-`; empty for a native package.
    pub revision: &'a str,
}

impl<'a> DebVersion<'a> {
    /// Splits without validating: epoch before the first `:`, revision after the last `-`.
    pub fn split(s: &'a str) -> DebVersion<'a> {
        let b = s.as_bytes();
        let (epoch, rest_at) = match memchr::memchr(b':', b) {
            Some(p) => (&s[..p], p + 1),
            None => ("", 0),
        };
        let (upstream, revision) = match memchr::memrchr(b'-', &b[rest_at..]) {
            Some(d) => (&s[rest_at..rest_at + d], &s[rest_at + d + 1..]),
            None => (&s[rest_at..], ""),
        };
        DebVersion {
            epoch,
            upstream,
            revision,
        }
    }
}

/// Checks a version the way dpkg's parser does; the message says what is wrong.
pub fn validate(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("version string is empty".into());
    }
    if let Some(c) = s.chars().find(|c| c.is_whitespace()) {
        return Err(format!("version string has embedded whitespace {c:?}"));
    }
    let v = DebVersion::split(s);
    if s.contains(':') && (v.epoch.is_empty() || !v.epoch.bytes().all(|c| c.is_ascii_digit())) {
        return Err(format!("epoch `{}` is not a number", v.epoch));
    }
    if v.upstream.is_empty() {
        return Err("nothing after colon in version number".into());
    }
    if s.ends_with('-') {
        return Err("revision number is empty".into());
    }
    if !v.upstream.as_bytes()[0].is_ascii_digit() {
        return Err(format!("version `{}` must start with a digit", v.upstream));
    }
    let allowed = |c: u8| c.is_ascii_alphanumeric() || b".+~-:".contains(&c);
    if let Some(c) = s.bytes().find(|&c| !allowed(c)) {
        return Err(format!("invalid character {:?} in version", c as char));
    }
    Ok(())
}

/// Compares two Debian versions.
pub fn compare(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (va, vb) = (DebVersion::split(a), DebVersion::split(b));
    compare_numeric(va.epoch.as_bytes(), vb.epoch.as_bytes())
        .then_with(|| verrevcmp(va.upstream.as_bytes(), vb.upstream.as_bytes()))
        .then_with(|| verrevcmp(va.revision.as_bytes(), vb.revision.as_bytes()))
}

/// Sort weight of one byte in a non-digit run (`None` = end of string).
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    // Skip the common prefix, backed up out of any digit run: the prefix then ends in a
    // non-digit, which the full comparison would also be comparing byte by byte.
    let start = super::rpm::resume_point(a, b, |c| c.is_ascii_digit());
    verrevcmp_from(a, b, start)
}

/// dpkg's comparison from byte `start` of both strings (0 = the plain algorithm).
fn verrevcmp_from(a: &[u8], b: &[u8], start: usize) -> Ordering {
    let (mut i, mut j) = (start, start);
    let is_digit = |s: &[u8], k: usize| s.get(k).is_some_and(|c| c.is_ascii_digit());
    while i < a.len() || j < b.len() {
        while (i < a.len() && !is_digit(a, i)) || (j < b.len() && !is_digit(b, j)) {
            let (oa, ob) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if oa != ob {
                return oa.cmp(&ob);
            }
            i += 1;
            j += 1;
        }
        let (da, db) = (digit_run(a, i), digit_run(b, j));
        let ord = compare_numeric(&a[i..da], &b[j..db]);
        if ord != Ordering::Equal {
            return ord;
        }
        i = da;
        j = db;
    }
    Ordering::Equal
}

fn digit_run(s: &[u8], start: usize) -> usize {
    let start = start.min(s.len());
    start + s[start..].iter().take_while(|c| c.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Skipping the common prefix never changes the answer.
        #[test]
        fn prefix_skip_is_exact(p in "[0-9a-z.~+]{0,6}", x in "[0-9a-z.~+]{0,5}", y in "[0-9a-z.~+]{0,5}") {
            let (a, b) = (format!("{p}{x}"), format!("{p}{y}"));
            proptest::prop_assert_eq!(
                verrevcmp(a.as_bytes(), b.as_bytes()),
                verrevcmp_from(a.as_bytes(), b.as_bytes(), 0)
            );
        }
    }

    #[test]
    fn tilde_sorts_before_end() {
        assert_eq!(compare("1.0~rc1-1", "1.0-1"), Ordering::Less);
        assert_eq!(compare("1:0.9", "2.0"), Ordering::Greater);
        assert_eq!(compare("1.0", "1.0-0"), Ordering::Equal);
    }

    #[test]
    fn validation_says_what_is_wrong() {
        assert!(validate("1.2-3").is_ok());
        assert!(validate("a:1.0").unwrap_err().contains("epoch"));
        assert!(validate("").is_err());
        assert!(validate("1.0 beta").unwrap_err().contains("whitespace"));
        assert!(validate("abc").unwrap_err().contains("digit"));
    }
}
