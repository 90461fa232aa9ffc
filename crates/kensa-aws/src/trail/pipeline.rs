//! The handler `kensa trail watch` gives its sources: evaluates each delivery with the
//! engine, drops alerts already emitted for the same (eventID, rule) — a CloudTrail event
//! can arrive twice — and emits the rest to every alert sink. The window of emitted
//! alerts is persisted with each delivery, so a restart does not re-alert either.

use crate::trail::dedup::SeenWindow;
use crate::trail::{Delivery, DeliveryHandler};
use kensa_trail::{Alert, Engine, InputError, Sink, Stats};

/// Totals since the pipeline started, for progress output.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PipelineCounters {
    /// Deliveries (files, messages) evaluated.
    pub deliveries: u64,
    /// CloudTrail events read from them.
    pub events: u64,
    /// Alerts emitted.
    pub alerts: u64,
    /// Alerts not emitted again (already seen in the dedup window).
    pub duplicates: u64,
    /// Input errors of the engine (malformed records, empty files, limits), warnings
    /// not included.
    pub input_errors: u64,
}

/// The detection engine behind a source: each delivery's events evaluated, alerts
/// deduplicated by event id and rule, then written to every sink.
pub struct EnginePipeline {
    engine: Engine,
    sinks: Vec<Box<dyn Sink<Alert>>>,
    seen: SeenWindow,
    on_input_error: Box<dyn FnMut(&InputError)>,
    /// Totals so far.
    pub counters: PipelineCounters,
}

/// The dedup key of an alert; alerts without an eventID are never deduplicated.
fn alert_key(alert: &Alert) -> Option<String> {
    alert
        .event_id
        .as_ref()
        .map(|id| format!("{id}\u{1f}{}", alert.rule))
}

impl EnginePipeline {
    /// A pipeline of `engine` writing to `sinks`, deduplicating through `seen`.
    pub fn new(
        engine: Engine,
        sinks: Vec<Box<dyn Sink<Alert>>>,
        seen: SeenWindow,
    ) -> EnginePipeline {
        EnginePipeline {
            engine,
            sinks,
            seen,
            on_input_error: Box::new(|e| eprintln!("warning: {e}")),
            counters: PipelineCounters::default(),
        }
    }

    /// Where bad input (broken JSON, gzip errors, ...) is reported; stderr by default.
    pub fn on_input_error(mut self, report: impl FnMut(&InputError) + 'static) -> EnginePipeline {
        self.on_input_error = Box::new(report);
        self
    }

    fn emit_all(&mut self, alerts: &[Alert]) -> Result<(), String> {
        for alert in alerts {
            let key = alert_key(alert);
            if key.as_deref().is_some_and(|k| self.seen.contains(k)) {
                self.counters.duplicates += 1;
                continue;
            }
            for sink in &mut self.sinks {
                sink.emit(alert).map_err(|e| format!("alert output: {e}"))?;
            }
            self.counters.alerts += 1;
            if let Some(key) = key {
                self.seen.insert(key);
            }
        }
        for sink in &mut self.sinks {
            sink.flush().map_err(|e| format!("alert output: {e}"))?;
        }
        Ok(())
    }
}

impl DeliveryHandler for EnginePipeline {
    fn handle(&mut self, delivery: &Delivery) -> Result<(), String> {
        let mut alerts = Vec::new();
        let mut errors = Vec::new();
        let stats: Stats = self.engine.process(
            &delivery.bytes,
            &delivery.origin,
            &mut |a| alerts.push(a),
            &mut |e| errors.push(e),
        );
        for e in &errors {
            (self.on_input_error)(e);
        }
        // Warnings (a file without records) are reported but not counted: the input
        // was read.
        self.counters.input_errors += stats.errors;
        // Alerts emitted before a sink failure stay in the window, so a retry of this
        // delivery does not send them twice.
        let emitted = self.emit_all(&alerts);
        self.seen.save().map_err(|e| e.to_string())?;
        emitted?;
        self.counters.deliveries += 1;
        self.counters.events += stats.events;
        Ok(())
    }
}
