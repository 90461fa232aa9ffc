//! Background work: schedules and workers (owner: serve-work).
use crate::state::AppState;

/// Starts the background jobs of this process.
pub fn spawn(_state: &AppState) {}
