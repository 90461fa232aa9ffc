//! kensa's store: targets, templates, runs with every state change, findings with their
//! history, exclusions and mute rules, remediation journals, CloudTrail alerts and continuous protection's sessions and
//! remediations, in an embedded SQLite file (default) or
//! PostgreSQL. Inspector Classic's assessment model, self-hosted.
//!
//! Every write is one transaction; findings stream in through [`FindingWriter`] in
//! batches, so a killed run keeps what it stored and a run of a large account never
//! holds all its findings. A run a dead process left behind is marked FAILED by
//! [`Store::recover_interrupted_runs`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod account_roles;
pub mod agents;
pub mod alerts;
pub mod audit;
pub mod clock;
mod db;
mod error;
pub mod exclusions;
mod fence;
pub mod findings;
mod json;
mod migrate;
pub mod model;
mod mutes;
pub mod notifications;
mod passed;
pub mod queue;
pub mod remediation;
mod runs;
pub mod schedules;
pub mod scope;
mod snapshots;
mod summary;
mod targets;
mod templates;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;
pub mod units;
pub mod watch;

pub use account_roles::AccountRole;
pub use agents::{Agent, EnrollmentToken, NewUpload, UploadOutcome};
pub use alerts::{dedup_key, priority_rank, AlertFilter, NewAlert, StoredAlert};
pub use audit::{AuditEntry, NewAuditEntry};
pub use db::{Backend, Location, Store};
pub use error::{Result, StoreError};
pub use fence::Fence;
pub use findings::{
    DiffEntry, DiffKind, FindingCursor, FindingFilter, FindingWriter, ResourceKey, RunDiff,
    RunDiffSummary, StoredFinding,
};
pub use migrate::SCHEMA_VERSION;
pub use model::*;
pub use mutes::{MuteOutcome, MuteRule};
pub use notifications::{Delivery, DeliveryStatus, Destination};
pub use passed::{PassedRule, PassedRules};
pub use queue::{ClaimedRun, Lease, WorkerInfo};
pub use remediation::{
    ActionState, Journal, JournalAction, JournalState, JournalSummary, NewAction, NewJournal,
    RollbackOutcome,
};
pub use runs::Resolution;
pub use schedules::{Fired, Schedule};
pub use scope::RunScope;
pub use snapshots::{hash_directory, NewSnapshot};
pub use summary::ActiveCount;
pub use tokens::{ApiToken, BrowserSession, StoredSecret};
pub use units::{ClaimedUnit, UnitStatus};
pub use watch::{StoredRemediation, WatchSession};
