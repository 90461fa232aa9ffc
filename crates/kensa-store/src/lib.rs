//! kensa's store: targets, templates, runs with every state change, findings with their
//! history, exclusions and mute rules, remediation journals and CloudTrail alerts, in an embedded SQLite file (default) or
//! PostgreSQL. Inspector Classic's assessment model, self-hosted.
//!
//! Every write is one transaction; findings stream in through [`FindingWriter`] in
//! batches, so a killed run keeps what it stored and a run of a large account never
//! holds all its findings. A run a dead process left behind is marked FAILED by
//! [`Store::recover_interrupted_runs`].
#![forbid(unsafe_code)]

pub mod alerts;
pub mod audit;
pub mod clock;
mod db;
mod error;
pub mod exclusions;
pub mod findings;
mod json;
mod migrate;
pub mod model;
mod mutes;
pub mod notifications;
pub mod remediation;
mod runs;
pub mod scope;
mod snapshots;
mod summary;
mod targets;
mod templates;
pub mod tokens;

pub use alerts::{dedup_key, priority_rank, AlertFilter, NewAlert, StoredAlert};
pub use audit::{AuditEntry, NewAuditEntry};
pub use db::{Backend, Location, Store};
pub use error::{Result, StoreError};
pub use findings::{
    DiffEntry, DiffKind, FindingFilter, FindingWriter, ResourceKey, RunDiff, StoredFinding,
};
pub use migrate::SCHEMA_VERSION;
pub use model::*;
pub use mutes::{MuteOutcome, MuteRule};
pub use notifications::{Delivery, DeliveryStatus, Destination};
pub use remediation::{
    ActionState, Journal, JournalAction, JournalState, JournalSummary, NewAction, NewJournal,
    RollbackOutcome,
};
pub use runs::Resolution;
pub use scope::RunScope;
pub use snapshots::{hash_directory, NewSnapshot};
pub use summary::ActiveCount;
pub use tokens::{ApiToken, BrowserSession, StoredSecret};
