//! CloudTrail detection with rules in Falco's format.
//!
//! ```text
//! let (rules, diagnostics) = kensa_trail::load_rules(&paths);
//! let engine = kensa_trail::Engine::new(rules);
//! let stats = engine.process(&bytes, "file.json.gz", &mut |alert| ..., &mut |error| ...);
//! ```
//!
//! Fields follow Falco's cloudtrail and json plugins (`ct.*`, `s3.*`, `ec2.*`,
//! `json.value[/pointer]`) plus kensa's `json.values[/a/*/b]` (all matches, a list),
//! `ec2.imageids` and `ec2.ingress.world_ports` (port ranges opened to the Internet,
//! compared numerically). The engine finds each record's bounds and `eventName` with a light
//! scanner, and parses only the records some rule may match.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod alert;
mod b64;
mod blocks;
mod bundled;
mod cond;
mod duplicates;
mod engine;
mod event;
mod fastscan;
mod fields;
mod ingress;
mod input;
mod lake;
mod loader;
mod origin;
mod output;
mod rules;
mod scan;
mod session;
pub mod synth;
mod time;

pub use alert::{Alert, AlertResource, InputError, Stats};
pub use bundled::bundled_rules;
pub use engine::{Engine, Limits};
use fields::FIELDS;
pub use input::open_log;
/// Alerts are written by kensa-report's streamed outputs, as findings are.
pub use kensa_report::stream::{
    JsonLinesSink, Record, Sink, SinkError, StreamFormat, TextSink, WebhookError, WebhookOptions,
    WebhookSink,
};
pub use loader::{load_rule_sources, load_rules, RuleSource};
pub use origin::{AwsRanges, CredentialOrigin, InstanceAddresses};
pub use rules::{Diagnostic, Level, Priority, Rule, RuleSet};

/// The Falco event source these rules are written for.
pub const SOURCE: &str = "aws_cloudtrail";

/// The names of all fields conditions and outputs may use.
pub fn field_names() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|f| f.name)
}
