//! Package vulnerability matching: rpm/dpkg/apk version comparison, vendor advisory
//! import (ALAS, Debian security tracker, Alpine secdb, OSV), host inventory and the
//! matcher that turns installed packages into `cve` findings.
#![forbid(unsafe_code)]

pub mod advisory;
pub mod cvss;
pub mod error;
pub mod feeds;

pub use advisory::{AdvisoryRecord, FixState};
pub use error::{Error, Location, Problem, Result};
pub use kensa_inventory::version;
pub use version::{ordering_symbol, Scheme};
pub mod db;
pub mod import;

pub use db::Database;
pub use import::{import_path, FeedKind};
/// The inventory readers live in kensa-inventory (the agent links them without this
/// crate's HTTP, database and archive code); re-exported under their old path.
pub use kensa_inventory as inventory;

pub use inventory::{InstalledPackage, Inventory, PackageKind};
pub mod findings;
pub mod matcher;
pub mod synth;
pub mod update;

pub use matcher::{Filters, Matcher};

/// Scans an inventory against advisory records: matches, filtered, as findings.
pub fn scan(
    inventory: &Inventory,
    records: &[AdvisoryRecord],
    filters: &Filters,
) -> Vec<kensa_model::Finding> {
    let matcher = Matcher::new(records);
    let matches = matcher.match_inventory(inventory, filters);
    findings::to_findings(&inventory.host, &matches)
}
