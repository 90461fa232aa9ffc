//! The one kensa crate that talks to AWS: collection, remediation, CloudTrail sources,
//! notifications and exports.
//!
//! * [`session`]: how kensa reaches AWS (profile, regions, assumed roles, endpoint).
//! * [`collect`]: the live collector, which writes a snapshot directory in exactly the
//!   AWS CLI JSON shape and layout that `kensa_model::Snapshot` loads.
//! * [`describe`]: one resource described again (for `kensa watch`), as the model holds it.
//! * [`remediate`]: remediation plans (pure), their IAM policy, and apply / verify /
//!   journal / rollback against the live account.
//! * [`trail`]: the S3 and SQS sources of CloudTrail detection, and its SNS alerts.
//! * [`notify`]: a run's notifications published to SNS.
//! * [`securityhub`]: a run's findings imported into Security Hub (ASFF).
//! * `testing` (cargo feature `testing`): a moto server harness for tests.
//!
//! Errors: [`AwsError`] stops an operation; [`ApiError`] is one failed call.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod collect;
pub mod describe;
mod error;
pub mod notify;
mod org;
pub mod remediate;
pub mod securityhub;
pub mod session;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod trail;

pub use error::{ApiError, AwsError};
