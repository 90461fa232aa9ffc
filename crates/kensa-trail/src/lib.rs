//! CloudTrail detection with rules in Falco's format.
#![forbid(unsafe_code)]

pub mod sink;
