//! Domain types shared by every kensa analyser.
//!
//! * [`Snapshot`]: an AWS account (or several) as the AWS CLI's `describe-*` calls print it,
//!   loaded from a snapshot directory ([`Snapshot::load`]). Field names follow the AWS CLI
//!   JSON exactly (PascalCase on the wire, snake_case in Rust), and every field AWS
//!   documents as optional is optional here. The resource types are in the public modules
//!   named after their AWS area ([`ec2`], [`instance`], [`gateway`], [`transit`], [`elb`],
//!   [`compute`], [`direct_connect`], [`account`]).
//! * [`Finding`]: the one finding schema every analyser emits ([`finding`] holds its parts).
//! * The shared vocabulary: [`ResourceType`], [`IdKind`], [`ports`], [`block_code`].
//! * [`Completeness`] and [`ComplianceReport`]: how much a result can be trusted, and the
//!   per-control outcome of a framework.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod account;
pub mod block_code;
mod completeness;
mod compliance;
pub mod compute;
mod de;
pub mod demo;
pub mod direct_connect;
pub mod ec2;
pub mod elb;
pub mod finding;
pub mod gateway;
mod ids;
pub mod instance;
pub mod load;
pub mod ports;
mod query;
mod resource_type;
mod snapshot;
pub mod synth;
pub mod transit;

pub use completeness::{Completeness, MissingInput};
pub use compliance::{
    ComplianceReport, ComplianceSummary, ControlResult, ControlStatus, ResourceFailure,
};
pub use finding::{
    finding_id, Compliance, Evidence, Finding, FindingStatus, Package, ResourceRef, Severity,
};
pub use ids::IdKind;
pub use load::{Document, LoadError};
pub use query::SubnetIndex;
pub use resource_type::ResourceType;
pub use snapshot::{Scope, Snapshot, Warning, WarningLevel};
