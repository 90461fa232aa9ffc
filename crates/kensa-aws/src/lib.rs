//! The one kensa crate that talks to AWS: collection, remediation, S3/SQS/SNS.
//!
//! * [`session`]: how kensa reaches AWS (profile, regions, assumed roles, endpoint).
//! * [`collect`]: the live collector, which writes a snapshot directory in exactly the
//!   AWS CLI JSON shape and layout that `kensa_model::Snapshot` loads.
//! * [`remediate`]: remediation plans (pure), their IAM policy, and apply / verify /
//!   journal / rollback against the live account.
//! * `testing` (cargo feature `testing`): a moto server harness for tests.
#![forbid(unsafe_code)]

pub mod collect;
pub mod error;
pub mod notify;
mod org;
pub mod remediate;
pub mod securityhub;
pub mod session;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod trail;

pub use error::{ApiError, AwsError};
