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
    let (mut i, mut j) = (0usize, 0usize);
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
    pub version: &'a str,
    pub release: Option<&'a str>,
}

impl<'a> Evr<'a> {
    /// Splits an EVR string. The epoch is everything before the first `:` when it is all
    /// digits; the release follows the last `-`.
    pub fn split(s: &'a str) -> Evr<'a> {
        let (epoch, rest) = match s.find(':') {
            Some(p) if s[..p].bytes().all(|c| c.is_ascii_digit()) => (&s[..p], &s[p + 1..]),
            _ => ("", s),
        };
        let (version, release) = match rest.rfind('-') {
            Some(p) => (&rest[..p], Some(&rest[p + 1..])),
            None => (rest, None),
        };
        Evr {
            epoch,
            version,
            release,
        }
    }
}

/// Compares two `[epoch:]version[-release]` strings as rpm does when it decides whether
/// a package is newer: epoch (missing = 0) first, then version, then release, the
/// release only when both sides have one.
pub fn compare_evr(a: &str, b: &str) -> Ordering {
    let (ea, eb) = (Evr::split(a), Evr::split(b));
    compare_numeric(ea.epoch.as_bytes(), eb.epoch.as_bytes())
        .then_with(|| rpmvercmp(ea.version, eb.version))
        .then_with(|| match (ea.release, eb.release) {
            (Some(ra), Some(rb)) => rpmvercmp(ra, rb),
            _ => Ordering::Equal,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(compare_evr("1.0", "1.0-5"), Ordering::Equal);
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
