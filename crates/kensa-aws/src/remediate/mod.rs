//! Remediation: plans (pure), the IAM policy they need, and apply / verify / journal /
//! rollback against the live account.
pub mod iam;
pub mod plan;
pub mod planner;
pub mod policy;
pub mod ports;
pub mod rule;

pub use plan::{Action, ApiCall, Change, Mode, Plan};
pub use planner::{build_plan, PlanError, PlanRequest};
pub use policy::{restricted_ports, ProtoPorts, RestrictedPorts, DEFAULT_CONTROLS};
pub use ports::{PortRange, PortSet};
pub use rule::{RuleSpec, Source};
pub mod apply;
pub mod journal;
pub mod live;
pub mod rollback;

pub use apply::{apply_plan, ActionReport, ApplyOptions, ApplyReport, Status};
pub use rollback::{rollback, RollbackReport};
#[cfg(test)]
mod planner_tests;
