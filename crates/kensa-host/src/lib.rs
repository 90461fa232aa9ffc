//! Host rules packages over one host's facts: Security Best Practices and Runtime Behavior
//! Analysis (Amazon Inspector Classic's packages, with its severities) and a CIS operating
//! system subset.
//!
//! Facts come from a mounted root filesystem ([`HostFacts::from_root`]: files only, no
//! runtime state) or from the agent's telemetry ([`HostFacts::from_telemetry_json`]). A
//! rule that needs what the facts lack says so ([`Outcome::NotEvaluated`] with the reason);
//! an unknown is never reported as a pass.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod config;
mod error;
mod facts;
pub mod kernel;
/// Listener-aware network reachability findings (telemetry joined to kensa-net's findings).
pub mod reach;
mod root;
mod rule;
pub(crate) mod rules;
mod scan;
mod sshd;
mod telemetry;

pub use error::HostError;
pub use facts::{FileMode, HostFacts, Known, Listener, Origin, SshdSettings, Value};
pub use rule::{Evidence, HostRule, Outcome, Package};
pub use rules::{MODULES, RULES};
pub use scan::{scan, RuleResult, ScanReport};

/// Every rule of `package`, in registration order.
pub fn rules_of(package: Package) -> impl Iterator<Item = &'static HostRule> {
    RULES.iter().copied().filter(move |r| r.package == package)
}

/// A rule by id (exact).
pub fn find_rule(id: &str) -> Option<&'static HostRule> {
    RULES.iter().copied().find(|r| r.id == id)
}
