//! The fast path of the record splitter: finds the end of a record a 64-byte block at a
//! time (see [`crate::blocks`]), noting on the way the strings spelled `"eventName"` (a
//! string whose closing quote is ten bytes after its opening), so the name, and a second
//! top-level `eventName`, cost no search of their own.
//!
//! It only ever answers for well-formed structure. Whenever it cannot vouch for the same
//! answer as the byte-at-a-time scanner in `input.rs` (buffer ends inside the record,
//! mismatched brackets, a backslash outside a string, a non-string `eventName`, a
//! top-level `Records` or `detail` member where those matter), it returns `None` and the
//! splitter uses that scanner, which also produces the error messages.

use memchr::memmem::Finder;

use crate::blocks::{classify, is_square, opens, strings, Carry, BLOCK};
use crate::input::Name;
use crate::scan::{skip_string, skip_ws};

/// A block of the record being scanned: the depth at its start and its masks.
#[derive(Debug, Clone, Copy)]
struct BlockStart {
    depth: usize,
    quotes: u64,
    inside: u64,
    brackets: u64,
}

/// Reusable scanner (holds the substring searchers and a scratch vector).
#[derive(Debug)]
pub struct RecordScanner {
    records: Finder<'static>,
    detail: Finder<'static>,
    blocks: Vec<BlockStart>,
    /// Offsets from the record's start of the strings spelled `"eventName"`, at any depth.
    names: Vec<usize>,
}

impl Default for RecordScanner {
    fn default() -> Self {
        RecordScanner {
            records: Finder::new(b"\"Records\"").into_owned(),
            detail: Finder::new(b"\"detail\"").into_owned(),
            blocks: Vec::with_capacity(64),
            names: Vec::with_capacity(4),
        }
    }
}

impl RecordScanner {
    /// The end (exclusive) and `eventName` of the object at `pos` (a `{`), or None if the
    /// slow scanner must decide. With `plain_record`, objects that have a top-level
    /// `Records` array or `detail` object are left to the slow scanner too (they may be a
    /// delivery file or an EventBridge envelope).
    pub fn scan(&mut self, buf: &[u8], pos: usize, plain_record: bool) -> Option<(usize, Name)> {
        let end = self.find_end(buf, pos)?;
        if plain_record
            && (self
                .key_value(buf, pos, end, &self.records, b'[')?
                .is_some()
                || self.key_value(buf, pos, end, &self.detail, b'{')?.is_some())
        {
            return None;
        }
        self.note_names(buf, pos);
        let name = match self.event_name_value(buf, pos, end)? {
            None => Name::Missing,
            Some(v) => {
                let close = skip_string(buf, v).ok()?;
                if memchr::memchr(b'\\', &buf[v + 1..close - 1]).is_none() {
                    Name::Plain(v + 1, close - 1)
                } else {
                    Name::Escaped(v, close)
                }
            }
        };
        Some((end, name))
    }

    /// Index just past the bracket closing the object at `pos`, recording each block's
    /// depth and masks. Bracket kinds are checked as the slow scanner does (up to depth 64).
    fn find_end(&mut self, buf: &[u8], pos: usize) -> Option<usize> {
        self.blocks.clear();
        let (mut depth, mut kinds, mut carry) = (0usize, 0u64, Carry::default());
        let mut at = pos;
        let mut tail = [b' '; BLOCK];
        while at < buf.len() {
            let block = match buf.get(at..at + BLOCK) {
                Some(b) => b.try_into().ok()?,
                None => {
                    tail[..buf.len() - at].copy_from_slice(&buf[at..]);
                    &tail
                }
            };
            let m = classify(block);
            let (quotes, inside) = strings(&m, &mut carry);
            if m.backslash & !inside != 0 {
                return None; // a backslash outside a string: not JSON
            }
            let brackets = m.bracket & !inside;
            self.blocks.push(BlockStart {
                depth,
                quotes,
                inside,
                brackets,
            });
            let mut rest = brackets;
            while rest != 0 {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                let byte = block[bit];
                let square = u64::from(is_square(byte));
                if opens(byte) {
                    depth += 1;
                    kinds = (kinds << 1) | square;
                    continue;
                }
                if depth == 0 || (depth <= 64 && kinds & 1 != square) {
                    return None;
                }
                kinds >>= 1;
                depth -= 1;
                if depth == 0 {
                    return Some(at + bit + 1);
                }
            }
            at += BLOCK;
        }
        None
    }

    /// Notes the strings spelled `"eventName"` (at any depth) from the block masks
    /// [`Self::find_end`] recorded: only strings of that length (a closing quote ten bytes
    /// after the opening, possibly in the next block) are compared, and only the few that
    /// match are checked for depth 1 afterwards ([`Self::event_name_value`]). Done after
    /// the block loop rather than in it, which keeps that loop as lean as it was.
    fn note_names(&mut self, buf: &[u8], pos: usize) {
        const LEN: usize = b"\"eventName".len(); // from the opening to the closing quote
        let (blocks, names) = (&self.blocks, &mut self.names);
        names.clear();
        let mut note = |start: usize| {
            let at = pos + start + 1;
            if buf.get(at..at + LEN - 1) == Some(b"eventName") {
                names.push(start);
            }
        };
        let mut pending = 0u64; // openings in the previous block's last ten bytes
        for (k, b) in blocks.iter().enumerate() {
            let openings = b.quotes & b.inside;
            let closings = b.quotes & !b.inside;
            let mut from_last = (pending >> (BLOCK - LEN)) & closings;
            pending = openings & (u64::MAX << (BLOCK - LEN));
            let mut here = openings & (closings >> LEN);
            while from_last != 0 {
                note(k * BLOCK + from_last.trailing_zeros() as usize - LEN);
                from_last &= from_last - 1;
            }
            while here != 0 {
                note(k * BLOCK + here.trailing_zeros() as usize);
                here &= here - 1;
            }
        }
    }

    /// The position of the value of the first top-level `eventName` member if it is a
    /// string. `Some(None)`: no such member; `None`: left to the slow scanner (the value
    /// is not a string, or there is a second top-level `eventName`, which it reports as
    /// ambiguous).
    fn event_name_value(&self, buf: &[u8], pos: usize, end: usize) -> Option<Option<usize>> {
        let top_level =
            |&&start: &&usize| pos + start < end && self.opens_top_level_string(buf, pos, start);
        let mut keys = self.names.iter().filter(top_level).filter_map(|&start| {
            let colon = skip_ws(buf, pos + start + 1 + b"eventName\"".len());
            (buf.get(colon) == Some(&b':')).then(|| skip_ws(buf, colon + 1))
        });
        let Some(v) = keys.next() else {
            return Some(None);
        };
        if keys.next().is_some() || buf.get(v) != Some(&b'"') {
            return None;
        }
        Some(Some(v))
    }

    /// The position of the value of the first top-level member whose key `finder` finds,
    /// if that value starts with `first`. `Some(None)`: no such member; `None`: the member
    /// exists but its value starts otherwise (left to the slow scanner).
    fn key_value(
        &self,
        buf: &[u8],
        pos: usize,
        end: usize,
        finder: &Finder<'_>,
        first: u8,
    ) -> Option<Option<usize>> {
        for hit in finder.find_iter(&buf[pos..end]) {
            if !self.opens_top_level_string(buf, pos, hit) {
                continue;
            }
            let colon = skip_ws(buf, pos + hit + finder.needle().len());
            if buf.get(colon) != Some(&b':') {
                continue; // a string value, not a key
            }
            let v = skip_ws(buf, colon + 1);
            return if buf.get(v) == Some(&first) {
                Some(Some(v))
            } else {
                None
            };
        }
        Some(None)
    }

    /// Whether the quote at `pos + offset` opens a string directly inside the object at
    /// `pos` (depth 1), from the masks recorded for its block.
    fn opens_top_level_string(&self, buf: &[u8], pos: usize, offset: usize) -> bool {
        let (k, bit) = (offset / BLOCK, offset % BLOCK);
        let Some(b) = self.blocks.get(k) else {
            return false;
        };
        if (b.quotes & b.inside) >> bit & 1 == 0 {
            return false;
        }
        let mut before = b.brackets & ((1u64 << bit) - 1);
        let mut depth = b.depth;
        while before != 0 {
            let i = before.trailing_zeros() as usize;
            before &= before - 1;
            if buf.get(pos + k * BLOCK + i).is_some_and(|&c| opens(c)) {
                depth += 1;
            } else {
                depth = depth.saturating_sub(1);
            }
        }
        depth == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Option<(usize, Name)> {
        RecordScanner::default().scan(text.as_bytes(), 0, true)
    }

    #[test]
    fn finds_end_and_top_level_name() {
        let pad = "x".repeat(70);
        let rec = format!(
            r#"{{"a":"{pad}\"eventName\":\"no\"","b":{{"eventName":"nested"}},"eventName" : "Yes","c":[1,{{}}]}} tail"#
        );
        let (end, name) = scan(&rec).unwrap();
        assert_eq!(&rec[end..], " tail");
        let Name::Plain(a, b) = name else {
            panic!("{name:?}")
        };
        assert_eq!(&rec[a..b], "Yes");
    }

    #[test]
    fn declines_what_the_slow_scanner_must_judge() {
        assert!(scan(r#"{"eventName":"A""#).is_none()); // truncated
        assert!(scan(r#"{"a":[1}"#).is_none()); // mismatched
        assert!(scan(r#"{"a":1\"b":2}"#).is_none()); // backslash outside a string
        assert!(scan(r#"{"eventName":1}"#).is_none()); // non-string name
        assert!(scan(r#"{"Records":[{"eventName":"A"}]}"#).is_none());
        assert!(scan(r#"{"version":"0","detail":{"eventName":"A"}}"#).is_none());
        let (_, name) = RecordScanner::default()
            .scan(br#"{"detail":{"x":1},"eventName":"A"}"#, 0, false)
            .unwrap();
        assert_eq!(name, Name::Plain(31, 32));
        assert_eq!(scan(r#"{"x":"eventName"}"#), Some((17, Name::Missing)));
        // The hit's quote is escaped: not a key.
        assert_eq!(
            scan(r#"{"a":"\"eventName":"B"}"#),
            Some((23, Name::Missing))
        );
    }

    #[test]
    fn finds_names_and_second_names_across_block_boundaries() {
        for pad in 0..140 {
            let filler = "p".repeat(pad);
            let one = format!(r#"{{"a":"{filler}","n":{{"eventName":"X"}},"eventName":"Run"}}"#);
            let (end, name) = scan(&one).unwrap_or_else(|| panic!("pad {pad}"));
            assert_eq!(end, one.len());
            let Name::Plain(a, b) = name else {
                panic!("pad {pad}: {name:?}")
            };
            assert_eq!(&one[a..b], "Run", "pad {pad}");
            let two = format!(r#"{{"eventName":"A","a":"{filler}","eventName" :"B"}}"#);
            assert!(
                scan(&two).is_none(),
                "pad {pad}: a second eventName is left to the slow scanner"
            );
            let value = format!(r#"{{"eventName":"A","a":"{filler}","b":"eventName"}}"#);
            assert!(scan(&value).is_some(), "pad {pad}: a value is not a key");
        }
    }
}
