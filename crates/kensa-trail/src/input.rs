//! Finds CloudTrail records in a byte stream without parsing them: delivery files
//! (`{"Records":[...]}`), JSON arrays, NDJSON (also Logstash's, whose records carry
//! `@timestamp` instead of `eventTime`), EventBridge events (record in `detail`),
//! Elasticsearch documents (record in `_source`) and CloudTrail Lake query results
//! (`{"QueryResultRows":[[{"column":"value"},...],...]}`, one row per record). Digest
//! files (`{"digestStartTime":..,"logFiles":[..]}`) are recognised and skipped.
//! Works on a growing buffer so that large inputs stream.

use std::fs::File;
use std::io;
use std::path::Path;

use crate::fastscan::RecordScanner;
use crate::scan::{next_structural, plain_string, skip_string, skip_value, skip_ws, ScanError};

/// Opens a log file, refusing anything but a regular file: a device such as `/dev/zero`
/// never ends and a FIFO can block forever. Checked before opening (opening a FIFO
/// blocks) and again on the opened file.
pub fn open_log(path: &Path) -> io::Result<File> {
    let refuse = |m: &std::fs::Metadata| {
        if m.is_file() {
            Ok(())
        } else {
            let what = if m.is_dir() {
                "a directory"
            } else {
                "not a regular file (device, FIFO or socket)"
            };
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{what}; refused"),
            ))
        }
    };
    refuse(&std::fs::metadata(path)?)?;
    let file = File::open(path)?;
    refuse(&file.metadata()?)?;
    Ok(file)
}

/// Where a record's `eventName` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    Missing,
    /// Byte range of the string contents (no escapes).
    Plain(usize, usize),
    /// Byte range of the whole JSON string (with quotes), which has escapes.
    Escaped(usize, usize),
    /// `eventName` appears more than once at the top level: JSON parsers disagree on
    /// which one counts, so the record is parsed and evaluated with every value.
    Ambiguous,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Record {
        start: usize,
        end: usize,
        name: Name,
    },
    /// The buffer ends inside a value: read more, then call again.
    NeedMore,
    Done,
    /// One CloudTrail Lake query result row: a JSON array of one-member objects.
    LakeRow {
        start: usize,
        end: usize,
    },
    /// A CloudTrail digest file's object (no events in it).
    Digest,
    /// Malformed input at `offset`; scanning resumed where it could.
    Error {
        offset: usize,
        message: &'static str,
    },
    /// Suspicious but readable input at `offset` (e.g. a second `Records` array, whose
    /// records are evaluated too); scanning continues, and the engine counts it as an
    /// input error.
    Suspicious {
        offset: usize,
        message: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Outer,
    TopArray,
    Records,
    LakeRows,
    WrapperTail,
    Stop,
}

/// The record splitter's state between calls.
#[derive(Debug)]
pub struct Splitter {
    state: State,
    fast: RecordScanner,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter {
            state: State::Outer,
            fast: RecordScanner::default(),
        }
    }
}

/// What a scan of one object found.
struct ObjScan {
    end: usize,
    name: Name,
    detail: Option<(usize, usize, Name)>,
    /// Set (and `end` meaningless) when the object is a delivery wrapper whose `Records`
    /// array, or a Lake query result whose `QueryResultRows` array, starts here.
    records_at: Option<(usize, State)>,
    /// A member only digest files have (`digestStartTime`, `digestPublicKeyFingerprint`).
    digest: bool,
}

fn name_at(buf: &[u8], v: usize) -> ScanResult2 {
    if buf.get(v) != Some(&b'"') {
        return Ok((skip_value(buf, v)?, Name::Missing));
    }
    let end = skip_string(buf, v)?;
    let name = if plain_string(buf, v).is_some() {
        Name::Plain(v + 1, end - 1)
    } else {
        Name::Escaped(v, end)
    };
    Ok((end, name))
}

type ScanResult2 = Result<(usize, Name), ScanError>;

/// Scans the object at `pos` (`{`) in one pass: strings are skipped with memchr, the
/// bytes between them are checked for brackets, and only members of the object itself
/// (depth 1) are looked at as keys. Grammar details (colons, commas) are left to the full
/// parse of candidate records.
fn scan_object(
    buf: &[u8],
    pos: usize,
    allow_wrapper: bool,
    allow_detail: bool,
) -> Result<ObjScan, ScanError> {
    let mut depth = 0usize;
    // One bit per open bracket (1 = array), to catch `[}`; deeper than 64 is unchecked.
    let mut kinds = 0u64;
    let mut i = pos;
    let mut name = Name::Missing;
    let mut seen_name = false;
    let mut detail = None;
    let mut digest = false;
    while i < buf.len() {
        // Bytes between strings (`:`, `,`, numbers, literals) don't matter here.
        i = next_structural(buf, i);
        let Some(&c) = buf.get(i) else { break };
        match c {
            b'"' => {
                let open = i;
                let end = skip_string(buf, open)?;
                i = end;
                if depth != 1 {
                    continue;
                }
                let colon = skip_ws(buf, end);
                if buf.get(colon) != Some(&b':') {
                    continue;
                }
                let v = skip_ws(buf, colon + 1);
                let key = &buf[open + 1..end - 1];
                match key {
                    // The first one counts, as for field access (`Event::top`).
                    b"eventName" if !seen_name => {
                        let (e, n) = name_at(buf, v)?;
                        (name, seen_name) = (n, true);
                        i = e;
                    }
                    b"eventName" => {
                        name = Name::Ambiguous;
                        i = v;
                    }
                    b"Records" | b"QueryResultRows"
                        if allow_wrapper && buf.get(v) == Some(&b'[') =>
                    {
                        let state = if key == b"Records" {
                            State::Records
                        } else {
                            State::LakeRows
                        };
                        return Ok(ObjScan {
                            end: 0,
                            name,
                            detail,
                            records_at: Some((v, state)),
                            digest,
                        });
                    }
                    b"digestStartTime" | b"digestPublicKeyFingerprint" if allow_wrapper => {
                        digest = true;
                        i = v;
                    }
                    b"detail" | b"_source" if allow_detail && buf.get(v) == Some(&b'{') => {
                        let inner = scan_object(buf, v, false, false)?;
                        detail = Some((v, inner.end, inner.name));
                        i = inner.end;
                    }
                    _ => i = v,
                }
            }
            c @ (b'{' | b'[') => {
                depth += 1;
                kinds = (kinds << 1) | u64::from(c == b'[');
                i += 1;
            }
            c @ (b'}' | b']') => {
                if depth <= 64 && (kinds & 1) != u64::from(c == b']') {
                    return Err(ScanError {
                        offset: i,
                        message: "mismatched bracket",
                    });
                }
                kinds >>= 1;
                i += 1;
                depth -= 1;
                if depth == 0 {
                    return Ok(ObjScan {
                        end: i,
                        name,
                        detail,
                        records_at: None,
                        digest,
                    });
                }
            }
            _ => i += 1,
        }
    }
    Err(ScanError {
        offset: pos,
        message: "unterminated object",
    })
}

/// A scan error caused by the buffer ending, not by bad input.
fn truncated(e: &ScanError, len: usize) -> bool {
    e.offset >= len || e.message.starts_with("unterminated") || e.message.contains("end of input")
}

impl Splitter {
    /// The next record in `buf[*pos..]`; advances `*pos` past what was consumed.
    /// With `eof` false, returns `NeedMore` instead of an error when the buffer ends early.
    pub fn next(&mut self, buf: &[u8], pos: &mut usize, eof: bool) -> Step {
        loop {
            let mut p = skip_ws(buf, *pos);
            if self.state == State::Outer && buf[p..].starts_with(b"\xEF\xBB\xBF") {
                p += 3;
            }
            *pos = p;
            if p >= buf.len() {
                return if eof || self.state == State::Stop {
                    if matches!(self.state, State::Outer | State::Stop) {
                        Step::Done
                    } else {
                        self.state = State::Stop;
                        Step::Error {
                            offset: p,
                            message: "input ends inside a JSON array or object",
                        }
                    }
                } else {
                    Step::NeedMore
                };
            }
            let c = buf[p];
            let step = match (self.state, c) {
                (State::Stop, _) => return Step::Done,
                (State::Outer, b'[') => {
                    self.state = State::TopArray;
                    *pos = p + 1;
                    continue;
                }
                (State::TopArray | State::Records | State::LakeRows | State::WrapperTail, b',') => {
                    *pos = p + 1;
                    continue;
                }
                (State::TopArray, b']') => {
                    self.state = State::Outer;
                    *pos = p + 1;
                    continue;
                }
                (State::Records | State::LakeRows, b']') => {
                    self.state = State::WrapperTail;
                    *pos = p + 1;
                    continue;
                }
                (State::WrapperTail, b'}') => {
                    self.state = State::Outer;
                    *pos = p + 1;
                    continue;
                }
                (State::LakeRows, b'[') => match skip_value(buf, p) {
                    Ok(end) => {
                        *pos = end;
                        return Step::LakeRow { start: p, end };
                    }
                    Err(e) => e,
                },
                (State::WrapperTail, b'"') if self.second_records(buf, p).is_some() => {
                    // JSON parsers keep either the first or the last of duplicated keys;
                    // reading both arrays hides nothing.
                    *pos = self.second_records(buf, p).unwrap_or(p) + 1;
                    self.state = State::Records;
                    return Step::Suspicious {
                        offset: p,
                        message: "a second \"Records\" member (a duplicated key, which JSON parsers read differently); its records are evaluated too",
                    };
                }
                (State::WrapperTail, b'"') => match self.skip_member(buf, p) {
                    Ok(end) => {
                        *pos = end;
                        continue;
                    }
                    Err(e) => e,
                },
                (State::Outer | State::TopArray | State::Records, b'{') => {
                    // Records, and what starts like one, take the block-at-a-time path.
                    let plain = self.state != State::Records;
                    if !plain || buf[p + 1..].starts_with(b"\"eventVersion\"") {
                        if let Some((end, name)) = self.fast.scan(buf, p, plain) {
                            *pos = end;
                            return Step::Record {
                                start: p,
                                end,
                                name,
                            };
                        }
                    }
                    let wrapper = self.state == State::Outer;
                    let detail = self.state != State::Records;
                    match scan_object(buf, p, wrapper, detail) {
                        Ok(ObjScan {
                            records_at: Some((at, state)),
                            ..
                        }) => {
                            self.state = state;
                            *pos = at + 1;
                            continue;
                        }
                        Ok(o) if o.digest && o.name == Name::Missing => {
                            *pos = o.end;
                            return Step::Digest;
                        }
                        Ok(o) => {
                            *pos = o.end;
                            return match o.detail {
                                Some((start, end, name)) => Step::Record { start, end, name },
                                None => Step::Record {
                                    start: p,
                                    end: o.end,
                                    name: o.name,
                                },
                            };
                        }
                        Err(e) => e,
                    }
                }
                _ => ScanError {
                    offset: p,
                    message: "expected a JSON object (a CloudTrail record)",
                },
            };
            let e = step;
            if !eof && truncated(&e, buf.len()) {
                return Step::NeedMore;
            }
            self.resync(buf, pos, e.offset);
            return Step::Error {
                offset: e.offset,
                message: e.message,
            };
        }
    }

    /// The position of the `[` of a `"Records": [` member starting at `p`.
    fn second_records(&self, buf: &[u8], p: usize) -> Option<usize> {
        if !buf[p..].starts_with(b"\"Records\"") {
            return None;
        }
        let colon = skip_ws(buf, p + 9);
        let v = skip_ws(buf, colon + 1);
        (buf.get(colon) == Some(&b':') && buf.get(v) == Some(&b'[')).then_some(v)
    }

    /// Whether scanning has given up on the rest of the input (after an error it could
    /// not recover from); what follows is not looked at.
    pub fn stopped(&self) -> bool {
        self.state == State::Stop
    }

    fn skip_member(&self, buf: &[u8], p: usize) -> Result<usize, ScanError> {
        let k = skip_ws(buf, skip_string(buf, p)?);
        if buf.get(k) != Some(&b':') {
            return Err(ScanError {
                offset: k,
                message: "expected ':' after an object key",
            });
        }
        skip_value(buf, skip_ws(buf, k + 1))
    }

    /// After an error: inside a Records array, continue at the next record that starts
    /// like a CloudTrail record; elsewhere, at the next line (NDJSON).
    fn resync(&mut self, buf: &[u8], pos: &mut usize, offset: usize) {
        let from = (offset + 1).min(buf.len()).max(*pos + 1).min(buf.len());
        if self.state == State::LakeRows {
            // Rows are arrays: continue at the next one.
            match memchr::memmem::find(&buf[from..], b"[{") {
                Some(k) => *pos = from + k,
                None => {
                    self.state = State::Stop;
                    *pos = buf.len();
                }
            }
            return;
        }
        if self.state == State::Records {
            if let Some(k) = memchr::memmem::find(&buf[from..], b"{\"eventVersion\"") {
                *pos = from + k;
                return;
            }
            self.state = State::Stop;
            *pos = buf.len();
            return;
        }
        self.state = State::Outer;
        match memchr::memchr(b'\n', &buf[from..]) {
            Some(k) => *pos = from + k + 1,
            None => {
                self.state = State::Stop;
                *pos = buf.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fastscan::RecordScanner;

    fn names(input: &str) -> Vec<String> {
        let buf = input.as_bytes();
        let mut s = Splitter::default();
        let mut pos = 0;
        let mut out = vec![];
        loop {
            match s.next(buf, &mut pos, true) {
                Step::Record {
                    name: Name::Plain(a, b),
                    ..
                } => out.push(input[a..b].to_string()),
                Step::Record { .. } => out.push("?".into()),
                Step::LakeRow { start, end } => out.push(format!("row {}", &input[start..end])),
                Step::Digest => out.push("digest".into()),
                Step::Error { message, .. } => out.push(format!("error: {message}")),
                Step::Suspicious { message, .. } => out.push(format!("suspicious: {message}")),
                Step::Done => return out,
                Step::NeedMore => unreachable!(),
            }
        }
    }

    #[test]
    fn all_formats() {
        assert_eq!(
            names(r#"{"Records":[{"eventName":"A"},{"x":{"eventName":"no"},"eventName":"B"}]}"#),
            ["A", "B"]
        );
        assert_eq!(
            names(r#"[{"eventName":"A"}, {"eventName":"B"}]"#),
            ["A", "B"]
        );
        assert_eq!(
            names("{\"eventName\":\"A\"}\n{\"eventName\":\"B\"}\n"),
            ["A", "B"]
        );
        assert_eq!(
            names(r#"{"version":"0","detail":{"eventName":"A"},"source":"aws.ec2"}"#),
            ["A"]
        );
        assert_eq!(
            names(r#"{"x":1,"Records":[{"eventName":"A"}],"y":[2]}"#),
            ["A"]
        );
        assert_eq!(names(r#"{"eventName":"A\u0042"}"#), ["?"]);
        assert_eq!(
            names(r#"{"_index":"ct","_id":"1","_source":{"@timestamp":"x","eventName":"A"}}"#),
            ["A"]
        );
        assert_eq!(
            names(
                r#"{"QueryStatus":"FINISHED","QueryResultRows":[[{"eventName":"A"}], [{"a":"["},{"eventName":"B"}]],"NextToken":"x"}"#
            ),
            [
                r#"row [{"eventName":"A"}]"#,
                r#"row [{"a":"["},{"eventName":"B"}]"#
            ]
        );
        assert_eq!(
            names(r#"{"awsAccountId":"1","digestStartTime":"t","logFiles":[{"s3Object":"k"}]}"#),
            ["digest"]
        );
    }

    #[test]
    fn recovers_after_bad_lines() {
        let got = names("{\"eventName\":\"A\"}\n}garbage\n{\"eventName\":\"B\"}\n");
        assert_eq!(
            got,
            [
                "A",
                "error: expected a JSON object (a CloudTrail record)",
                "B"
            ]
        );
        // Grammar errors inside balanced brackets are left to the full parse.
        let got = names("{\"eventName\" 1}\n{\"eventName\":\"B\"}\n");
        assert_eq!(got, ["?", "B"]);
        let got = names(
            r#"{"Records":[{"eventVersion":"1","eventName":"A"},{"eventVersion":x,"a"},{"eventVersion":"1","eventName":"B"}]}"#,
        );
        assert_eq!(got.len(), 3);
        assert_eq!(got[2], "B");
    }

    /// JSON-like text: objects and arrays with keys that are sometimes `eventName`,
    /// strings with escapes and brackets, and (when `broken`) random structural damage.
    fn record_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let string =
            "([a-z{}\\[\\]:, ]|\\\\\\\\|\\\\\"|\\\\u0041){0,12}".prop_map(|s| format!("\"{s}\""));
        let leaf = prop_oneof![
            string.clone(),
            Just("1".to_string()),
            Just("null".to_string())
        ];
        let key = prop_oneof![
            Just("\"eventName\"".to_string()),
            Just("\"a\"".to_string()),
            string
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec((key.clone(), inner), 0..6).prop_map(|m| {
                    let members: Vec<String> =
                        m.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
                    format!("{{{}}}", members.join(" , "))
                }),
            ]
        })
    }

    fn slow(buf: &[u8]) -> Result<(usize, Name), ScanError> {
        scan_object(buf, 0, false, false).map(|o| (o.end, o.name))
    }

    proptest::proptest! {
        /// Whenever the block scanner answers, it answers as the byte-at-a-time scanner
        /// does, on whole, truncated and damaged records.
        #[test]
        fn fast_scan_agrees_with_slow(
            body in record_text(),
            top in proptest::bool::ANY,
            pad in 0usize..70,
            cut in proptest::option::of(0usize..2000),
            damage in proptest::option::of((0usize..2000, proptest::sample::select(b"{}[]\"\\x".to_vec()))),
        ) {
            let mut rec = if top && body.starts_with('{') {
                body.into_bytes()
            } else {
                let pad = "p".repeat(pad);
                format!("{{\"eventVersion\":\"{pad}\",\"x\":{body},\"eventName\":\"Z\"}}")
                    .into_bytes()
            };
            if let Some((at, byte)) = damage {
                let at = at % rec.len();
                rec[at] = byte;
            }
            if let Some(c) = cut {
                rec.truncate(c % (rec.len() + 1));
            }
            rec.extend_from_slice(b" ,{\"eventName\":\"next\"}");
            let fast = RecordScanner::default().scan(&rec, 0, false);
            if !top && damage.is_none() && cut.is_none() {
                proptest::prop_assert!(fast.is_some(), "well-formed record declined");
            }
            if let Some(got) = fast {
                proptest::prop_assert_eq!(Ok(got), slow(&rec));
            }
        }
    }

    #[test]
    fn truncation_needs_more_then_errors_at_eof() {
        let buf = br#"{"Records":[{"eventName":"A"},{"eventName":"#;
        let mut s = Splitter::default();
        let mut pos = 0;
        assert!(matches!(s.next(buf, &mut pos, false), Step::Record { .. }));
        assert_eq!(s.next(buf, &mut pos, false), Step::NeedMore);
        assert!(matches!(s.next(buf, &mut pos, true), Step::Error { .. }));
        assert_eq!(s.next(buf, &mut pos, true), Step::Done);
    }
}
