//! Versions of language packages (npm semver, PyPI PEP 440, Maven, RubyGems).
//!
//! One tokenising comparator serves them: numbers compare numerically; words are
//! qualifiers ranked as the ecosystems rank them (`dev` < `alpha`/`a` < `beta`/`b` <
//! milestone < `rc`/`c`/`pre` < release < `post`/`p`/`sp`); a missing part counts as 0
//! or "release", so `1.0 == 1.0.0` and `1.0-rc1 < 1.0`. Build metadata (`+...`) is
//! ignored for semver. A leading `v` is dropped.
use std::cmp::Ordering;

use super::rpm::compare_numeric;
use super::Scheme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part<'a> {
    Num(&'a [u8]),
    Word(&'a [u8]),
    End,
}

struct Parts<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Parts<'a> {
    type Item = Part<'a>;
    fn next(&mut self) -> Option<Part<'a>> {
        while self.pos < self.s.len() && !self.s[self.pos].is_ascii_alphanumeric() {
            self.pos += 1;
        }
        let start = self.pos;
        let c = *self.s.get(start)?;
        let digit = c.is_ascii_digit();
        while self.pos < self.s.len()
            && self.s[self.pos].is_ascii_alphanumeric()
            && self.s[self.pos].is_ascii_digit() == digit
        {
            self.pos += 1;
        }
        let text = &self.s[start..self.pos];
        Some(if digit {
            Part::Num(text)
        } else {
            Part::Word(text)
        })
    }
}

fn word_rank(w: &[u8]) -> i8 {
    let lower = |s: &str| w.eq_ignore_ascii_case(s.as_bytes());
    if lower("dev") || lower("snapshot") {
        -5
    } else if lower("alpha") || lower("a") {
        -4
    } else if lower("beta") || lower("b") {
        -3
    } else if lower("milestone") || lower("m") {
        -2
    } else if lower("rc") || lower("c") || lower("cr") || lower("pre") || lower("preview") {
        -1
    } else if lower("final") || lower("ga") || lower("release") {
        0
    } else if lower("post") || lower("p") || lower("sp") || lower("patch") || lower("rev") {
        1
    } else {
        // Unknown qualifiers are pre-releases, as in semver.
        -1
    }
}

fn trim(scheme: Scheme, v: &str) -> &str {
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    match scheme {
        Scheme::Semver | Scheme::Pep440 => v.split('+').next().unwrap_or(v),
        _ => v,
    }
}

fn compare_parts(a: Part<'_>, b: Part<'_>) -> Ordering {
    match (a, b) {
        (Part::Num(x), Part::Num(y)) => compare_numeric(x, y),
        (Part::Num(_), _) => Ordering::Greater,
        (_, Part::Num(_)) => Ordering::Less,
        (Part::Word(x), Part::Word(y)) => word_rank(x).cmp(&word_rank(y)).then_with(|| {
            x.iter()
                .map(u8::to_ascii_lowercase)
                .cmp(y.iter().map(u8::to_ascii_lowercase))
        }),
        (Part::Word(x), Part::End) => word_rank(x).cmp(&0),
        (Part::End, Part::Word(y)) => 0.cmp(&word_rank(y)),
        (Part::End, Part::End) => Ordering::Equal,
    }
}

/// Compares two language-package versions.
pub(crate) fn compare(scheme: Scheme, a: &str, b: &str) -> Ordering {
    let (a, b) = (trim(scheme, a), trim(scheme, b));
    let mut pa = Parts {
        s: a.as_bytes(),
        pos: 0,
    };
    let mut pb = Parts {
        s: b.as_bytes(),
        pos: 0,
    };
    loop {
        let (x, y) = (pa.next(), pb.next());
        if x.is_none() && y.is_none() {
            return Ordering::Equal;
        }
        let x = x.unwrap_or(Part::End);
        let y = y.unwrap_or(Part::End);
        // A missing number counts as 0.
        let ord = match (x, y) {
            (Part::Num(n), Part::End) => compare_numeric(n, b"0"),
            (Part::End, Part::Num(n)) => compare_numeric(b"0", n),
            _ => compare_parts(x, y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_versions() {
        let c = |a, b| compare(Scheme::Semver, a, b);
        assert_eq!(c("1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(c("1.0.0-rc.1", "1.0.0"), Ordering::Less);
        assert_eq!(c("v2.1.0", "2.0.9"), Ordering::Greater);
        assert_eq!(c("1.0.0-alpha", "1.0.0-beta"), Ordering::Less);
        let p = |a, b| compare(Scheme::Pep440, a, b);
        assert_eq!(p("2.0.dev1", "2.0a1"), Ordering::Less);
        assert_eq!(p("2.0.post1", "2.0.1"), Ordering::Less);
        assert_eq!(p("2.0.post1", "2.0"), Ordering::Greater);
        assert_eq!(p("2.31.0", "2.4.0"), Ordering::Greater);
    }
}
