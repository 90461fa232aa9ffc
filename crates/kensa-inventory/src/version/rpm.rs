//! rpm version comparison: `rpmvercmp` on version strings and epoch:version-release.
//!
//! Semantics follow rpm's documented behaviour: a version is split into maximal runs of
//! ASCII digits or ASCII letters, everything else separates. Digit runs compare
//! numerically (leading zeros ignored) and beat letter runs; letter runs compare
//! bytewise. `~` sorts before anything, even the end of the string (pre-releases);
//! `^` sorts after the end of the string but before any further segment (post-release
//! snapshots). All work is done on borrowed bytes, without allocation.
use std::cmp::Ordering;

/// Compares two version (or release) strings the way `rpmvercmp()` does.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return Ordering::Equal;
    }
    // Skip the common prefix, backed up to just after a non-alphanumeric byte: every
    // segment before that point is identical in both, and parsing restarted there is
    // in the same state (skipping separators) as the full parse would be.
    let start = resume_point(a, b, |c| c.is_ascii_alphanumeric());
    rpmvercmp_from(a, b, start)
}

/// rpmvercmp from byte `start` of both strings (0 = the plain algorithm).
fn rpmvercmp_from(a: &[u8], b: &[u8], start: usize) -> Ordering {
    let (mut i, mut j) = (start, start);
    while i < a.len() || j < b.len() {
        i = skip_separators(a, i);
        j = skip_separators(b, j);
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());

        // Tilde: sorts before everything, including the end of the string.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // Caret: sorts after the end of the string, before any other segment.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };
        let numeric = ca.is_ascii_digit();
        let seg_end = |s: &[u8], start: usize| {
            let mut k = start;
            while k < s.len()
                && (if numeric {
                    s[k].is_ascii_digit()
                } else {
                    s[k].is_ascii_alphabetic()
                })
            {
                k += 1;
            }
            k
        };
        let (ea, eb) = (seg_end(a, i), seg_end(b, j));
        if eb == j {
            // Segments of different kinds: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (sa, sb) = (&a[i..ea], &b[j..eb]);
        let ord = if numeric {
            compare_numeric(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
        i = ea;
        j = eb;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (false, _) => Ordering::Greater,
        (true, false) => Ordering::Less,
    }
}

/// The length of the common prefix of `a` and `b`, shortened until the byte before it
/// is not `in_token` (or it is 0).
pub(crate) fn resume_point(a: &[u8], b: &[u8], in_token: impl Fn(u8) -> bool) -> usize {
    let mut k = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while k > 0 && in_token(a[k - 1]) {
        k -= 1;
    }
    k
}

fn skip_separators(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && !s[i].is_ascii_alphanumeric() && s[i] != b'~' && s[i] != b'^' {
        i += 1;
    }
    i
}

/// Compares two runs of ASCII digits numerically, of any length.
pub(crate) fn compare_numeric(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b'0').count();
    &s[n..]
}

/// An rpm `[epoch:]version[-release]` split into its parts, borrowing the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evr<'a> {
    /// The epoch digits; empty when absent (which means 0).
    pub epoch: &'a str,
    /// The upstream version.
    pub version: &'a str,
    /// The distribution release after the last `-`; `None` when absent, which an
    /// advisory comparison treats as "any release" (as dnf does).
    pub release: Option<&'a str>,
}

impl<'a> Evr<'a> {
    /// Splits an EVR string. The epoch is everything before the first `:` when it is all
    /// digits; the release follows the last `-`.
    pub fn split(s: &'a str) -> Evr<'a> {
        // As rpm parses it: an epoch is a leading digit run followed by `:`. Scanning
        // only the digits (not the whole string) keeps the hot path short.
        let b = s.as_bytes();
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let (epoch, rest_at) = if b.get(digits) == Some(&b':') {
            (&s[..digits], digits + 1)
        } else {
            ("", 0)
        };
        let (version, release) = match memchr::memrchr(b'-', &b[rest_at..]) {
            Some(d) => (&s[rest_at..rest_at + d], Some(&s[rest_at + d + 1..])),
            None => (&s[rest_at..], None),
        };
        Evr {
            epoch,
            version,
            release,
        }
    }
}

/// Orders two `[epoch:]version[-release]` strings as rpm's own `rpmverCmp()` does (the
/// comparison behind `rpm.ver` and `rpm.labelCompare` in rpm's Python bindings; rpm
/// `rpmio/rpmver.cc` @ a8f0192ae): epoch first (missing = 0), then version, then
/// release, where a missing release sorts before any release, even an empty one
/// (`2.0 < 2.0- < 2.0-1`). This is `kensa vuln vercmp rpm`.
pub fn compare_evr(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (ea, eb) = (Evr::split(a), Evr::split(b));
    compare_epoch_version(&ea, &eb).then_with(|| match (ea.release, eb.release) {
        (Some(ra), Some(rb)) => rpmvercmp(ra, rb),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    })
}

/// Compares an installed version with an advisory's version the way dnf decides
/// whether an installed package satisfies `name >= fixed` (libsolv `src/evr.c`
/// `pool_evrcmp_str` in `EVRCMP_MATCH_RELEASE` mode @ 1b580675f): epoch first (missing
/// = 0), then version; the release counts only when both sides have a non-empty one.
/// So an advisory fixed in `2.0` is fixed by every `2.0-N` build.
pub fn compare_evr_advisory(installed: &str, advisory: &str) -> Ordering {
    if installed == advisory {
        return Ordering::Equal;
    }
    let (ea, eb) = (Evr::split(installed), Evr::split(advisory));
    compare_epoch_version(&ea, &eb).then_with(|| match (ea.release, eb.release) {
        (Some(ra), Some(rb)) if !ra.is_empty() && !rb.is_empty() => rpmvercmp(ra, rb),
        _ => Ordering::Equal,
    })
}

fn compare_epoch_version(a: &Evr<'_>, b: &Evr<'_>) -> Ordering {
    compare_numeric(a.epoch.as_bytes(), b.epoch.as_bytes())
        .then_with(|| rpmvercmp(a.version, b.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Skipping the common prefix never changes the answer.
        #[test]
        fn prefix_skip_is_exact(p in "[0-9a-z.~^_-]{0,6}", x in "[0-9a-z.~^_-]{0,5}", y in "[0-9a-z.~^_-]{0,5}") {
            let (a, b) = (format!("{p}{x}"), format!("{p}{y}"));
            proptest::prop_assert_eq!(rpmvercmp(&a, &b), rpmvercmp_from(a.as_bytes(), b.as_bytes(), 0));
        }
    }

    #[test]
    fn tilde_and_caret() {
        assert_eq!(rpmvercmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(rpmvercmp("1.0^git1", "1.0"), Ordering::Greater);
        assert_eq!(rpmvercmp("1.0^git1", "1.0.1"), Ordering::Less);
        assert_eq!(rpmvercmp("1.0^", "1.0~"), Ordering::Greater);
    }

    #[test]
    fn evr_epoch_and_release() {
        assert_eq!(compare_evr("1:1.0-1", "2.0-1"), Ordering::Greater);
        assert_eq!(compare_evr("0:1.0-1", "1.0-1"), Ordering::Equal);
        assert_eq!(compare_evr("1.0-1.amzn2", "1.0-2.amzn2"), Ordering::Less);
        assert_eq!(compare_evr("1.0", "1.0-5"), Ordering::Less);
        assert_eq!(compare_evr("1.0", "1.0-"), Ordering::Less);
        assert_eq!(compare_evr("1.0-", "1.0-0"), Ordering::Less);
        assert_eq!(compare_evr_advisory("1.0-5", "1.0"), Ordering::Equal);
        assert_eq!(compare_evr_advisory("1.0", "1.0-5"), Ordering::Equal);
        assert_eq!(compare_evr_advisory("1.0-", "1.0-5"), Ordering::Equal);
        assert_eq!(compare_evr_advisory("1.0-4", "1.0-5"), Ordering::Less);
        assert_eq!(compare_evr_advisory("1:1.0-4", "1.0-5"), Ordering::Greater);
        assert_eq!(
            Evr::split("2:1.2-3.el9"),
            Evr {
                epoch: "2",
                version: "1.2",
                release: Some("3.el9")
            }
        );
    }
}
