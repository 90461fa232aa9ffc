//! Continuous protection: CloudTrail change events applied to an in-memory network model,
//! the reachability of the interfaces they affect recomputed, and the exposure delta
//! alerted ("`AuthorizeSecurityGroupIngress` by arn:… opened i-… tcp/22 to the Internet").
//!
//! * [`event::ChangeEvent`]: one CloudTrail record, as far as watching needs it;
//! * [`apply::apply`]: the record applied to a [`kensa_model::Snapshot`], with the
//!   resources it touched, or why it cannot be applied exactly (re-describe that resource);
//! * [`exposure`]: what reaches each interface, per source class, and the delta between
//!   two states;
//! * [`watch::Watcher`]: the model, the exposures, and the loop joining them;
//! * [`alert::WatchRecord`]: the alerts, written by kensa-report's stream sinks;
//! * [`policy`]: automatic remediation policies (YAML), and what each makes of an exposure;
//! * [`remediation`]: what the policies did, persisted beside the journal so that a
//!   restart neither repeats nor forgets a remediation.
//!
//! No AWS SDK here: the binary wires files, S3 or SQS to [`watch::Watcher::process`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// What the watcher reports.
pub mod alert;
/// CloudTrail events applied to the model.
pub mod apply;
/// One CloudTrail record.
pub mod event;
/// Exposures per interface and their deltas.
pub mod exposure;
/// The journal a live watcher rebuilds its model from.
pub mod journal;
mod json;
/// What reaches targets through load balancers, and its deltas.
pub mod lb_exposure;
mod lb_scope;
/// Automatic remediation policies.
pub mod policy;
/// Interfaces and group membership kept between events.
pub mod population;
/// CloudTrail files and deliveries read into events.
pub mod read;
/// The remediations' state file.
pub mod remediation;
mod scope;
mod scoped;
/// Synthetic events for measuring.
pub mod synth;
/// The watcher.
pub mod watch;

pub use alert::{DriftNotice, ExposureAlert, RedescribeNotice, WatchRecord};
pub use apply::{apply, Outcome, Touched};
pub use event::{ChangeEvent, EventError};
pub use watch::Watcher;
