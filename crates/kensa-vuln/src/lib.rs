//! Package vulnerability matching: rpm/dpkg/apk version comparison, vendor advisory
//! import (ALAS, Debian security tracker, Alpine secdb, OSV), host inventory and the
//! matcher that turns installed packages into `cve` findings.
#![forbid(unsafe_code)]

pub mod advisory;
pub mod cvss;
pub mod error;
pub mod feeds;
pub mod version;

pub use advisory::{AdvisoryRecord, FixState};
pub use error::{Error, Location, Problem, Result};
pub use version::{ordering_symbol, Scheme};
pub mod db;
pub mod import;

pub use db::Database;
pub use import::{import_path, FeedKind};
