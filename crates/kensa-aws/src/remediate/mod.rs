//! Remediation: plans (pure), the IAM policy they need, and apply / verify / journal /
//! rollback against the live account.
pub mod iam;
pub mod plan;
pub mod planner;
pub mod policy;
pub mod quota;
mod remedies;
pub mod rule;
mod sg_fit;
mod sg_plan;
mod sg_remedy;

pub use kensa_model::ports::{PortRange, PortSet, ProtoPorts, RestrictedPorts};
pub use plan::{Action, ApiCall, Change, Mode, Plan};
pub use planner::{
    build_plan, build_plan_with_quotas, remediable_controls, PlanError, PlanRequest,
};
pub use policy::{restricted_ports, DEFAULT_CONTROLS};
pub use quota::{RuleCounting, SgQuotas};
pub use rule::{RuleSpec, Source};
pub mod apply;
pub mod journal;
pub mod live;
pub mod rollback;

pub use apply::{apply_plan, ActionReport, ApplyOptions, ApplyReport, Status};
pub use rollback::{rollback, rollback_records, RollbackAction, RollbackReport};
#[cfg(test)]
mod planner_tests;
#[cfg(test)]
mod quota_tests;
