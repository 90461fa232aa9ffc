//! Configuration checks over a kensa snapshot, and the frameworks that map their controls
//! to them: AWS Config managed rules, Security Hub FSBP, CIS AWS Foundations v3.0 / v4.0 /
//! v5.0, PCI DSS v4.0.1 and custom YAML frameworks, with mute lists.
//!
//! * A [`Check`] (`src/checks/<name>.rs`) is one bad pattern: its logic, documentation,
//!   parameters, fix and fixtures. `src/checks/mod.rs` lists every check once.
//! * A framework (`src/frameworks/<id>.yaml`, or a custom YAML file in the same form) is a
//!   table of controls `{id, title, severity, references, check, parameters}`.
//! * A [`Rule`] is one control bound to its check; [`rules()`] are the built-in ones and
//!   [`find_rule`] looks one up. Nothing counts them by hand.
//! * [`assess`]: run a framework, get findings and per-control results.
//! * [`world_open_rules`]: the exact security group rules that open restricted
//!   ports to `0.0.0.0/0` / `::/0`, for reports and for remediation.
//! * [`NetReachability`]: plugs `kensa-net` in, so security group findings say whether
//!   the exposure is reachable and by which path.
//!
//! The modules are private; what other crates use is re-exported here, plus the
//! [`framework`], [`mute`] and [`fixture`] namespaces.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod check;
mod checks;
mod context;
mod controls;
mod engine;
mod error;
mod eval;
mod exposure;
pub mod fixture;
pub mod framework;
mod frameworks;
pub mod mute;
mod net_reach;
mod params;
mod registry;
mod rule;
mod yaml;

/// The port vocabulary, shared with remediation: [`kensa_model::ports`].
pub use kensa_model::ports;

pub use check::{Check, Fix};
pub use context::{Attachment, Context, GroupReach, Reachability};
pub use controls::{restricted_ports, restricted_ports_with};
pub use engine::{assess, run_rule, Assessment, RuleRun};
pub use error::{ParamError, RulesError, YamlError};
pub use exposure::{
    is_world, world_open_rules, world_open_rules_of, Family, OffendingRule, PortSet, ProtoPorts,
    RestrictedPorts, Source,
};
pub use framework::{Framework, FrameworkControl};
pub use mute::MuteList;
pub use net_reach::NetReachability;
pub use params::{ParamKind, ParamSpec, Params};
pub use registry::{checks, find_check, find_rule, frameworks, rules, table_errors};
pub use rule::{Evaluation, Mapping, Outcome, Rank, Rule};
