//! Configuration controls over a kensa snapshot: AWS Config managed rules, Security Hub
//! FSBP EC2 controls and CIS AWS Foundations v3.0 section 5, with compliance frameworks
//! (built in and custom YAML) and mute lists.
//!
//! * [`rules::RULES`]: the registry, one file per control under `src/rules/`; the doc
//!   comment of each is its documentation (`kensa rules show ID`).
//! * [`exposure::world_open_rules`]: the exact security group rules that open restricted
//!   ports to `0.0.0.0/0` / `::/0`, for reports and for remediation.
//! * [`controls::restricted_ports`]: the ports a control forbids.
//! * [`engine::assess`]: run rules, get findings and per-control results.
//! * [`framework`], [`mute`]: which controls to run, which findings to suppress.
#![forbid(unsafe_code)]

pub mod checks;
pub mod context;
pub mod controls;
pub mod engine;
pub mod error;
pub mod exposure;
pub mod fixture;
pub mod framework;
pub mod mute;
pub mod params;
pub mod ports;
pub mod rule;
pub mod rules;
mod yaml;

pub use context::{Attachment, Context, GroupReach, Reachability};
pub use engine::{assess, Assessment, RuleRun};
pub use error::{ParamError, RulesError, YamlError};
pub use exposure::{world_open_rules, Family, OffendingRule, RestrictedPorts, Source};
pub use framework::Framework;
pub use mute::MuteList;
pub use params::Params;
pub use ports::PortSet;
pub use rule::{Evaluation, Outcome, Rule};

/// Framework ids as they appear in rule ids and compliance mappings.
pub mod framework_ids {
    pub use crate::rule::Rule;
    /// AWS Security Hub Foundational Security Best Practices.
    pub const FSBP: &str = "fsbp";
    /// CIS Amazon Web Services Foundations Benchmark v3.0.0.
    pub const CIS: &str = "cis-aws-3.0";
    /// AWS Config managed rules.
    pub const AWS_CONFIG: &str = "aws-config";
}

/// Looks a rule up by id (`fsbp:EC2.19`), or by control id when that is unambiguous
/// (`EC2.19`, `restricted-ssh`, but not `5.2` if two frameworks had one). Case-insensitive.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    let id = id.trim();
    if let Some(r) = rules::RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        return Some(r);
    }
    let mut by_control = rules::RULES
        .iter()
        .filter(|r| r.control.eq_ignore_ascii_case(id));
    match (by_control.next(), by_control.next()) {
        (Some(r), None) => Some(r),
        _ => None,
    }
}
