//! Domain types shared by every kensa analyser.
//!
//! * [`snapshot`]: an AWS account (or several) as the AWS CLI's `describe-*` calls print it,
//!   loaded from a snapshot directory. Field names follow the AWS CLI JSON exactly
//!   (PascalCase on the wire, snake_case in Rust), and every field AWS documents as
//!   optional is optional here.
//! * [`finding`]: the one finding schema every analyser emits.
#![forbid(unsafe_code)]

pub mod account;
pub mod block_code;
pub mod completeness;
pub mod compliance;
pub mod compute;
mod de;
pub mod demo;
pub mod direct_connect;
pub mod ec2;
pub mod elb;
pub mod finding;
pub mod gateway;
pub mod ids;
pub mod instance;
pub mod load;
pub mod ports;
mod query;
pub mod resource_type;

pub use query::SubnetIndex;
pub mod snapshot;
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
pub use resource_type::ResourceType;
pub use snapshot::{Scope, Snapshot, Warning, WarningLevel};
