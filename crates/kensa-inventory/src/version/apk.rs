//! Alpine `apk` version comparison.
//!
//! An apk version is `digits{.digits}...{letter}{_suffix{digits}}...{~hash}{-rN}`. It is
//! read as a sequence of typed tokens; the first pair of tokens that differ in type or
//! value decides. The token grammar and ranks follow apk-tools 3 (`src/version.c` @
//! 90b974fd8510fbc2b3d6adde311ad1ba8754c728). One extension comes from apk-tools 2.x
//! (`src/version.c` on branch 2.14-stable @ 9c5d9efb05e4b1775da2270223011345a9b5dae8,
//! the apk of Alpine releases up to 3.22, whose packages carry such versions): digits
//! right after a letter (`2.3.4p2`) continue the version as a number, compared
//! numerically (`p2 < p10`), where apk-tools 3 rejects the version and would call any
//! two of them equal. Pre-release suffixes (`_alpha`, `_beta`, `_pre`, `_rc`) sort before
//! the plain version, post-release ones (`_cvs`, `_svn`, `_git`, `_hg`, `_p`) after it.
//! A digit run after a dot with a leading zero compares as a string (`1.01 < 1.1`). When
//! one version ends early, the longer one is newer unless it continues with a
//! pre-release suffix. No allocation.
use std::cmp::Ordering;

use super::rpm::compare_numeric;

/// Token kinds in the order apk ranks them when two versions diverge in kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

const PRE_SUFFIXES: [&[u8]; 4] = [b"alpha", b"beta", b"pre", b"rc"];
const POST_SUFFIXES: [&[u8]; 5] = [b"cvs", b"svn", b"git", b"hg", b"p"];

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    /// The token's text (digits, the letter, the suffix name or the hash).
    text: &'a [u8],
    /// Suffix rank: negative for pre-release suffixes.
    suffix: i8,
    /// Digits that follow a letter: always numeric (apk-tools 2.x), never compared as
    /// strings for a leading zero.
    after_letter: bool,
}

struct Tokens<'a> {
    s: &'a [u8],
    pos: usize,
    kind: Kind,
}

impl<'a> Tokens<'a> {
    fn new(s: &'a str) -> Self {
        Tokens {
            s: s.as_bytes(),
            pos: 0,
            kind: Kind::InitialDigit,
        }
    }

    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.pos < self.s.len() && pred(self.s[self.pos]) {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    fn token(&mut self, kind: Kind, text: &'a [u8]) -> Token<'a> {
        let kind = if text.is_empty() { Kind::Invalid } else { kind };
        self.kind = kind;
        Token {
            kind,
            text,
            suffix: 0,
            after_letter: false,
        }
    }

    fn first(&mut self) -> Token<'a> {
        let digits = self.take_while(|c| c.is_ascii_digit());
        self.token(Kind::InitialDigit, digits)
    }

    fn next(&mut self) -> Token<'a> {
        let prev = self.kind;
        let Some(&c) = self.s.get(self.pos) else {
            return self.token(Kind::End, b"end");
        };
        match c {
            b'a'..=b'z' if prev <= Kind::Digit => {
                self.pos += 1;
                let text = &self.s[self.pos - 1..self.pos];
                self.token(Kind::Letter, text)
            }
            b'.' if prev <= Kind::Digit => {
                self.pos += 1;
                let digits = self.take_while(|c| c.is_ascii_digit());
                self.token(Kind::Digit, digits)
            }
            b'0'..=b'9' if prev == Kind::Letter => {
                let digits = self.take_while(|c| c.is_ascii_digit());
                let mut t = self.token(Kind::Digit, digits);
                t.after_letter = true;
                t
            }
            b'0'..=b'9' if prev == Kind::Suffix => {
                let digits = self.take_while(|c| c.is_ascii_digit());
                self.token(Kind::SuffixNo, digits)
            }
            b'_' if prev <= Kind::SuffixNo => {
                self.pos += 1;
                let name = self.take_while(|c| c.is_ascii_lowercase());
                match suffix_rank(name) {
                    Some(rank) => {
                        let mut t = self.token(Kind::Suffix, name);
                        t.suffix = rank;
                        t
                    }
                    None => self.token(Kind::Invalid, b""),
                }
            }
            b'~' if prev < Kind::CommitHash => {
                self.pos += 1;
                // apk's hex digits are lowercase only (`APK_CTYPE_HEXDIGIT`).
                let hash = self.take_while(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
                self.token(Kind::CommitHash, hash)
            }
            b'-' if prev < Kind::RevisionNo && self.s.get(self.pos + 1) == Some(&b'r') => {
                self.pos += 2;
                let digits = self.take_while(|c| c.is_ascii_digit());
                self.token(Kind::RevisionNo, digits)
            }
            _ => self.token(Kind::Invalid, b""),
        }
    }
}

fn suffix_rank(name: &[u8]) -> Option<i8> {
    if let Some(i) = PRE_SUFFIXES.iter().position(|s| *s == name) {
        return Some(i as i8 - PRE_SUFFIXES.len() as i8);
    }
    POST_SUFFIXES
        .iter()
        .position(|s| *s == name)
        .map(|i| i as i8)
}

fn compare_tokens(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        Kind::Digit if !a.after_letter && (a.text[0] == b'0' || b.text[0] == b'0') => {
            a.text.cmp(b.text)
        }
        Kind::InitialDigit | Kind::Digit | Kind::SuffixNo | Kind::RevisionNo => {
            compare_numeric(a.text, b.text)
        }
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.text.cmp(b.text),
    }
}

/// Compares two apk versions.
pub fn compare(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut ia, mut ib) = (Tokens::new(a), Tokens::new(b));
    let (mut ta, mut tb) = (ia.first(), ib.first());
    while ta.kind == tb.kind && ta.kind != Kind::End && ta.kind != Kind::Invalid {
        let ord = compare_tokens(&ta, &tb);
        if ord != Ordering::Equal {
            return ord;
        }
        ta = ia.next();
        tb = ib.next();
    }
    if ta.kind == tb.kind {
        return Ordering::Equal;
    }
    if ta.kind == Kind::Suffix && ta.suffix < 0 {
        return Ordering::Less;
    }
    if tb.kind == Kind::Suffix && tb.suffix < 0 {
        return Ordering::Greater;
    }
    // The version that goes on with a (non-pre-release) token is newer.
    tb.kind.cmp(&ta.kind)
}

/// Checks that a version is well formed for apk; the message says where it goes wrong.
pub fn validate(s: &str) -> Result<(), String> {
    let mut it = Tokens::new(s);
    let mut t = it.first();
    loop {
        match t.kind {
            Kind::End => return Ok(()),
            Kind::Invalid => {
                return Err(format!(
                    "invalid apk version: unexpected {} at byte {}",
                    s[it.pos..]
                        .chars()
                        .next()
                        .map_or("end".to_string(), |c| format!("{c:?}")),
                    it.pos
                ))
            }
            _ => t = it.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_and_revisions() {
        assert_eq!(compare("1.0_rc1", "1.0"), Ordering::Less);
        assert_eq!(compare("1.0_p1", "1.0"), Ordering::Greater);
        assert_eq!(compare("1.0-r1", "1.0-r2"), Ordering::Less);
        assert_eq!(compare("1.01", "1.1"), Ordering::Less);
    }

    #[test]
    fn digits_after_a_letter_are_numbers() {
        assert_eq!(compare("2.3.4p2-r0", "2.3.4p10-r0"), Ordering::Less);
        assert_eq!(compare("3.1p9-r1", "3.1p9-r2"), Ordering::Less);
        assert_eq!(compare("1.0a01", "1.0a1"), Ordering::Equal);
        assert_eq!(compare("1.0a2", "1.0a"), Ordering::Greater);
        assert_eq!(compare("1.0a2", "1.0b"), Ordering::Less);
        assert!(validate("2.3.4p2-r0").is_ok());
        assert!(validate("1.0bc").is_err());
    }

    #[test]
    fn validation_points_at_the_problem() {
        assert!(validate("1.2.3_rc1-r0").is_ok());
        assert!(validate("1.2_foo")
            .unwrap_err()
            .contains("invalid apk version"));
        assert!(validate("").is_err());
    }
}
