//! Assessment runs: a stored template applied to a snapshot. Every state change is
//! stored as it happens; findings stream into the store in batches; a COMPLETED run
//! resolves what it no longer sees in its scope.
//!
//! The CLI (`kensa run start`) and the server share this one implementation.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod compliance;
mod cve;
mod evaluate;
mod execute;
mod hosts;
mod input;
pub mod notify;
mod passed;
pub mod report;

pub use execute::{
    execute, execute_with, execute_with_options, start, start_with, start_with_options,
    AssessError, RunOptions,
};
pub use input::Input;
