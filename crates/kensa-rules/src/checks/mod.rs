//! The evaluators that rules share. A rule file names one of these with its parameters.
pub mod compute;
pub mod network;
pub mod sg_open;
pub mod storage;

use kensa_model::Severity;

/// One level less severe (Informational stays).
pub(crate) fn lower(s: Severity) -> Severity {
    match s {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Informational => Severity::Informational,
    }
}
