//! Package vulnerability matching: rpm/dpkg/apk version comparison, vendor advisory
//! import (ALAS, Debian security tracker, Alpine secdb, OSV), host inventory and the
//! matcher that turns installed packages into `cve` findings.
//!
//! The crate's surface is the re-exports below plus four namespaces: [`feeds`] (what an
//! import produced and the guard that refuses a suspicious one), [`update`] (downloading
//! the feeds), [`synth`] (generated inventories and advisories for benchmarks and
//! differential tests) and the inventory crate under [`inventory`] and [`version`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod advisory;
mod cvss;
mod db;
mod error;
pub mod feeds;
mod findings;
mod import;
mod matcher;
pub mod synth;
pub mod update;

pub use advisory::{map_severity, AdvisoryRecord, FixState};
pub use db::{Database, Summary};
pub use error::{Error, Location, Problem, Result};
pub use findings::to_findings;
pub use import::{import_bytes, import_path, FeedKind};
pub use matcher::{platform_of, Filters, Match, Matcher, Platform};

/// The inventory readers live in kensa-inventory (the agent links them without this
/// crate's HTTP, database and archive code); re-exported under their old path.
pub use kensa_inventory as inventory;
pub use kensa_inventory::version;
pub use kensa_inventory::{ordering_symbol, InstalledPackage, Inventory, PackageKind, Scheme};

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
