//! Evaluates rules against CloudTrail input: finds records cheaply, parses only those
//! some rule may match, and emits alerts.

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::alert::{Alert, InputError, Stats};
use crate::cond::eval;
use crate::event::Event;
use crate::fields::Ctx;
use crate::input::{Name, Splitter, Step};
use crate::rules::RuleSet;

/// How much is read at a time from a stream.
const CHUNK: usize = 1 << 20;

/// The rule engine. Shareable between threads (`&self`); `evt.num` counts events over the
/// engine's lifetime.
#[derive(Debug)]
pub struct Engine {
    rules: RuleSet,
    counter: AtomicU64,
}

impl Engine {
    pub fn new(rules: RuleSet) -> Engine {
        Engine {
            rules,
            counter: AtomicU64::new(0),
        }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Evaluates one input: a CloudTrail delivery file (`{"Records":[..]}`), a JSON array,
    /// NDJSON, or EventBridge events; gzip is detected by its magic bytes.
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
        run.drain(&mut splitter, bytes, &mut pos, 0, true);
        stats.bytes = bytes.len() as u64;
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
        let mut reader = BufReader::with_capacity(CHUNK, reader);
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
        let mut buf: Vec<u8> = Vec::with_capacity(CHUNK * 2);
        let mut scratch = vec![0u8; CHUNK];
        let mut base = 0u64;
        let mut eof = false;
        while !eof {
            match reader.read(&mut scratch) {
                Ok(0) => eof = true,
                Ok(n) => buf.extend_from_slice(&scratch[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let at = base + buf.len() as u64;
                    (run.errors)(InputError::new(
                        origin,
                        format!("byte {at}"),
                        format!("{what} error: {e}"),
                    ));
                    run.stats.errors += 1;
                    eof = true;
                }
            }
            let mut pos = 0;
            run.drain(&mut splitter, &buf, &mut pos, base, eof);
            buf.drain(..pos);
            base += pos as u64;
        }
        run.stats.bytes = base + buf.len() as u64;
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

    fn record(&mut self, raw: &[u8], name: Option<std::borrow::Cow<'_, str>>, index: u64, at: u64) {
        self.stats.events += 1;
        let num = self.engine.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let rules = &self.engine.rules;
        let Some(name) = name else {
            return self.error(
                format!("record {index} (byte {at})"),
                "not a CloudTrail record: no eventName".into(),
            );
        };
        let candidates = rules.candidates(Some(&name));
        if candidates.is_empty() {
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
        let ctx = Ctx { ev: &event, num };
        for &i in candidates {
            let rule = &rules.rules[i];
            if eval(&rule.condition, &ctx) {
                self.stats.alerts += 1;
                (self.sink)(Alert::new(rule, &ctx, self.origin));
            }
        }
    }
}

fn name_of(buf: &[u8], name: Name) -> Option<std::borrow::Cow<'_, str>> {
    match name {
        Name::Missing => None,
        Name::Plain(a, b) => std::str::from_utf8(&buf[a..b])
            .ok()
            .map(std::borrow::Cow::Borrowed),
        Name::Escaped(a, b) => serde_json::from_slice::<String>(&buf[a..b])
            .ok()
            .map(std::borrow::Cow::Owned),
    }
}
