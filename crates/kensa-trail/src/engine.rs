//! Evaluates rules against CloudTrail input: finds records cheaply, parses only those
//! some rule may match, and emits alerts.

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::alert::{Alert, InputError, Stats};
use crate::cond::eval;
use crate::event::Event;
use crate::fields::Ctx;
use crate::input::{Name, Splitter, Step};
use crate::origin::CredentialOrigin;
use crate::rules::{Rule, RuleSet};

/// How much is read at a time from a stream.
const CHUNK: usize = 1 << 20;

/// Bounds on what one input may make the engine hold or read: logs are untrusted, and a
/// small `.json.gz` can inflate to gigabytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest record, in bytes of JSON (CloudTrail's own maximum event size is 256 KB).
    pub max_record: usize,
    /// Most bytes read from one input, after decompression.
    pub max_input: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_record: 16 << 20,
            max_input: 16 << 30,
        }
    }
}

/// The rule engine. Shareable between threads (`&self`); `evt.num` counts events over the
/// engine's lifetime.
#[derive(Debug)]
pub struct Engine {
    rules: RuleSet,
    counter: AtomicU64,
    origin: Option<CredentialOrigin>,
    limits: Limits,
    /// Fires on records with duplicated keys (see [`crate::duplicates`]).
    duplicates: Rule,
}

impl Engine {
    /// An engine over `rules`, with the default input limits and the bundled AWS ranges for
    /// `ec2.creds.outside`.
    pub fn new(rules: RuleSet) -> Engine {
        Engine {
            rules,
            counter: AtomicU64::new(0),
            origin: None,
            limits: Limits::default(),
            duplicates: crate::duplicates::rule(),
        }
    }

    /// Judges where instance credentials were used from (`ec2.creds.outside`) with this
    /// snapshot's addresses and/or these AWS ranges instead of the bundled ranges alone.
    pub fn with_credential_origin(mut self, origin: CredentialOrigin) -> Engine {
        self.origin = Some(origin);
        self
    }

    /// The origin `ec2.creds.outside` is judged by.
    fn credential_origin(&self) -> &CredentialOrigin {
        self.origin
            .as_ref()
            .unwrap_or_else(|| crate::origin::default_origin())
    }

    /// The same engine with other input limits.
    pub fn with_limits(mut self, limits: Limits) -> Engine {
        self.limits = limits;
        self
    }

    /// The per-record and per-file limits the engine applies.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The rules the engine evaluates, as loaded.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Evaluates one input: a CloudTrail delivery file (`{"Records":[..]}`), a JSON array,
    /// NDJSON (Logstash's too), EventBridge events, Elasticsearch documents or CloudTrail
    /// Lake query results; digest files are counted and skipped; gzip is detected by its
    /// magic bytes.
    /// `Stats::bytes` counts JSON bytes (after decompression).
    pub fn process(
        &self,
        bytes: &[u8],
        origin: &str,
        sink: &mut dyn FnMut(Alert),
        errors: &mut dyn FnMut(InputError),
    ) -> Stats {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return self.process_reader(bytes, origin, sink, errors);
        }
        let mut stats = Stats::default();
        let mut run = Run {
            engine: self,
            origin,
            sink,
            errors,
            stats: &mut stats,
            records: 0,
        };
        let mut splitter = Splitter::default();
        let mut pos = 0;
        let len = bytes
            .len()
            .min(usize::try_from(self.limits.max_input).unwrap_or(usize::MAX));
        run.drain(&mut splitter, &bytes[..len], &mut pos, 0, true);
        if len < bytes.len() {
            run.over_input_limit(len as u64);
        }
        run.finish(len as u64);
        stats.bytes = len as u64;
        stats
    }

    /// Like [`Engine::process`] but streams from a reader, holding about one chunk (1 MiB)
    /// plus one record in memory.
    pub fn process_reader(
        &self,
        reader: impl Read,
        origin: &str,
        sink: &mut dyn FnMut(Alert),
        errors: &mut dyn FnMut(InputError),
    ) -> Stats {
        let mut reader = BufReader::with_capacity(64 * 1024, reader);
        let gz = matches!(reader.fill_buf(), Ok(b) if b.starts_with(&[0x1f, 0x8b]));
        if gz {
            let decoder = flate2::bufread::MultiGzDecoder::new(reader);
            self.stream(decoder, origin, sink, errors, "gzip")
        } else {
            self.stream(reader, origin, sink, errors, "read")
        }
    }

    fn stream(
        &self,
        mut reader: impl Read,
        origin: &str,
        sink: &mut dyn FnMut(Alert),
        errors: &mut dyn FnMut(InputError),
        what: &str,
    ) -> Stats {
        let mut stats = Stats::default();
        let mut run = Run {
            engine: self,
            origin,
            sink,
            errors,
            stats: &mut stats,
            records: 0,
        };
        let mut splitter = Splitter::default();
        // A window over the stream: buf[start..end] is unprocessed. The buffer is zeroed
        // once and reused; it grows only for a record longer than itself.
        let mut buf = vec![0u8; 2 * CHUNK];
        let (mut start, mut end) = (0usize, 0usize);
        let mut base = 0u64; // stream offset of buf[0]
        let mut eof = false;
        while !eof {
            if buf.len() - end < CHUNK / 2 {
                if start > 0 {
                    buf.copy_within(start..end, 0);
                    base += start as u64;
                    end -= start;
                    start = 0;
                } else {
                    buf.resize(buf.len() * 2, 0);
                }
            }
            // Never read past the input limit (plus one byte, to know it was passed).
            let room = self.limits.max_input.saturating_sub(base + end as u64) + 1;
            let want = (buf.len() - end).min(usize::try_from(room).unwrap_or(usize::MAX));
            match reader.read(&mut buf[end..end + want]) {
                Ok(0) => eof = true,
                Ok(n) => end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let at = base + end as u64;
                    (run.errors)(InputError::new(
                        origin,
                        format!("byte {at}"),
                        format!("{what} error: {e}"),
                    ));
                    run.stats.errors += 1;
                    eof = true;
                }
            }
            let over = base + end as u64 > self.limits.max_input;
            if over {
                end -= 1;
                eof = true;
            }
            let mut pos = start;
            run.drain(&mut splitter, &buf[..end], &mut pos, base, eof);
            start = pos;
            if over {
                run.over_input_limit(self.limits.max_input);
            } else if splitter.stopped() {
                break;
            } else if end - start > self.limits.max_record {
                run.over_record_limit(base + start as u64);
                break;
            }
        }
        run.finish(base + end as u64);
        run.stats.bytes = base + end as u64;
        stats
    }
}

/// One `process` call in progress.
struct Run<'r> {
    engine: &'r Engine,
    origin: &'r str,
    sink: &'r mut dyn FnMut(Alert),
    errors: &'r mut dyn FnMut(InputError),
    stats: &'r mut Stats,
    records: u64,
}

impl Run<'_> {
    /// Handles every complete record in `buf[*pos..]`.
    fn drain(
        &mut self,
        splitter: &mut Splitter,
        buf: &[u8],
        pos: &mut usize,
        base: u64,
        eof: bool,
    ) {
        loop {
            match splitter.next(buf, pos, eof) {
                Step::Done | Step::NeedMore => return,
                Step::Error { offset, message } => {
                    let at = base + offset as u64;
                    self.error(format!("byte {at}"), format!("malformed JSON: {message}"));
                }
                Step::Digest => self.stats.digests += 1,
                Step::LakeRow { start, end } => {
                    let index = self.records;
                    self.records += 1;
                    let at = base + start as u64;
                    match crate::lake::row_to_record(&buf[start..end]) {
                        Ok((text, name)) => {
                            self.record(text.as_bytes(), name.map(Into::into), index, at)
                        }
                        Err(e) => self.error(format!("record {index} (byte {at})"), e),
                    }
                }
                // Counted as an input error although every record is read: parsers
                // downstream read such a file differently, so the result is not clean.
                Step::Suspicious { offset, message } => {
                    let at = base + offset as u64;
                    self.error(format!("byte {at}"), message.to_string());
                }
                Step::Record { start, end, .. } if end - start > self.engine.limits.max_record => {
                    let index = self.records;
                    self.records += 1;
                    self.stats.events += 1;
                    let limit = self.engine.limits.max_record;
                    self.error(
                        format!("record {index} (byte {})", base + start as u64),
                        format!("record of {} bytes is larger than the {limit}-byte limit; record skipped", end - start),
                    );
                }
                Step::Record { start, end, name } => {
                    let index = self.records;
                    self.records += 1;
                    self.record(
                        &buf[start..end],
                        name_of(buf, name),
                        index,
                        base + start as u64,
                    );
                }
            }
        }
    }

    fn error(&mut self, location: String, message: String) {
        self.stats.errors += 1;
        (self.errors)(InputError::new(self.origin, location, message));
    }

    /// Reported like an error, but not counted as one: the input was read.
    fn warn(&mut self, location: String, message: String) {
        (self.errors)(InputError::new(self.origin, location, message));
    }

    fn over_record_limit(&mut self, at: u64) {
        let limit = self.engine.limits.max_record;
        self.error(
            format!("record {} (byte {at})", self.records),
            format!(
                "record is larger than the {limit}-byte limit (or not JSON); rest of input skipped"
            ),
        );
    }

    fn over_input_limit(&mut self, limit: u64) {
        self.error(
            format!("byte {limit}"),
            format!("input is larger than the {limit}-byte limit (after decompression); rest of input skipped"),
        );
    }

    /// An input that held no record says so: "0 events" must not read as "nothing
    /// happened" when the file was empty or not a CloudTrail log. CloudTrail never
    /// writes an empty file, so an empty one (a failed download, a truncation) is an
    /// input error; a well-formed file without records is a warning.
    fn finish(&mut self, bytes: u64) {
        if self.records == 0 && self.stats.errors == 0 && self.stats.digests == 0 {
            if bytes == 0 {
                self.error("whole input".into(), "empty input (0 events)".into());
            } else {
                let what = "no CloudTrail records in this input (0 events)";
                self.warn("whole input".into(), what.into());
            }
        }
    }

    fn record(&mut self, raw: &[u8], name: Option<std::borrow::Cow<'_, str>>, index: u64, at: u64) {
        self.stats.events += 1;
        let num = self.engine.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let rules = &self.engine.rules;
        let ambiguous = matches!(&name, Some(n) if n.is_empty());
        let Some(name) = name else {
            return self.error(
                format!("record {index} (byte {at})"),
                "not a CloudTrail record: no eventName".into(),
            );
        };
        let candidates = rules.candidates(Some(&name));
        if !ambiguous && candidates.is_empty() {
            return;
        }
        // Rules about instance-profile sessions skip records that have none, and rules
        // about sessions used from outside skip records whose source address decides
        // "inside" from the bytes: unparsed (never a record with a duplicated key: each of
        // its values is evaluated).
        let session = (!ambiguous && candidates.iter().any(|&i| rules.needs_instance_session(i)))
            .then(|| crate::session::has_instance_session(raw));
        let inside = session == Some(true)
            && candidates.iter().any(|&i| rules.needs_outside(i))
            && crate::rules::source_not_outside(raw, self.engine.credential_origin());
        let skipped = |i: usize| {
            (session == Some(false) && rules.needs_instance_session(i))
                || (inside && rules.needs_outside(i))
        };
        if session.is_some() && candidates.iter().all(|&i| skipped(i)) {
            return;
        }
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t,
            Err(e) => {
                return self.error(
                    format!("record {index} (byte {at})"),
                    format!("invalid UTF-8: {e}"),
                )
            }
        };
        let event = match Event::parse(text) {
            Ok(ev) => ev,
            Err(e) => {
                let loc = format!(
                    "record {index} (byte {at}, line {} column {} of the record)",
                    e.line(),
                    e.column()
                );
                return self.error(loc, format!("malformed JSON: {e}"));
            }
        };
        let duplicated = event.duplicated_keys();
        if !duplicated.is_empty() {
            return self.duplicated(&event, &duplicated, num);
        }
        let ctx = Ctx {
            ev: &event,
            num,
            origin: self.engine.origin.as_ref(),
        };
        for &i in candidates {
            if skipped(i) {
                continue;
            }
            let rule = &rules.rules[i];
            if eval(&rule.condition, &ctx) {
                self.stats.alerts += 1;
                (self.sink)(Alert::new(rule, &ctx, self.origin));
            }
        }
    }

    /// A record with duplicated top-level keys: it raises its own alert, and is evaluated
    /// once per occurrence of the duplicated keys, each rule firing at most once.
    fn duplicated(&mut self, event: &Event<'_>, keys: &[&str], num: u64) {
        let ctx = Ctx {
            ev: event,
            num,
            origin: self.engine.origin.as_ref(),
        };
        self.stats.alerts += 1;
        (self.sink)(crate::duplicates::alert(
            &self.engine.duplicates,
            &ctx,
            keys,
            self.origin,
        ));
        let rules = &self.engine.rules;
        let views = keys.iter().map(|k| event.occurrences(k)).max().unwrap_or(1);
        let mut fired = Vec::new();
        for n in 0..views {
            let view = event.with_occurrence(keys, n);
            let ctx = Ctx {
                ev: &view,
                num,
                origin: self.engine.origin.as_ref(),
            };
            let name = view.top_text("eventName");
            for &i in rules.candidates(name.as_deref()) {
                let rule = &rules.rules[i];
                if !fired.contains(&i) && eval(&rule.condition, &ctx) {
                    fired.push(i);
                    self.stats.alerts += 1;
                    (self.sink)(Alert::new(rule, &ctx, self.origin));
                }
            }
        }
    }
}

fn name_of(buf: &[u8], name: Name) -> Option<std::borrow::Cow<'_, str>> {
    match name {
        Name::Missing => None,
        // Known only after a full parse; the empty name asks for one.
        Name::Ambiguous => Some(std::borrow::Cow::Borrowed("")),
        Name::Plain(a, b) => std::str::from_utf8(&buf[a..b])
            .ok()
            .map(std::borrow::Cow::Borrowed),
        Name::Escaped(a, b) => serde_json::from_slice::<String>(&buf[a..b])
            .ok()
            .map(std::borrow::Cow::Owned),
    }
}
