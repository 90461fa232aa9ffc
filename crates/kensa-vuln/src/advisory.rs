//! The normalised advisory record every feed is imported into.
use std::fmt;
use std::str::FromStr;

use kensa_model::Severity;
use serde::{Deserialize, Serialize};

use crate::version::Scheme;

/// Whether (and how) the vendor fixed a package for an advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixState {
    /// A fixed version exists; versions below it are affected.
    Fixed,
    /// Affected, no fix published yet.
    NotFixed,
    /// Affected, and the vendor decided not to fix (e.g. Debian `<no-dsa>`, `<ignored>`).
    WillNotFix,
    /// The vendor says this package in this release is not affected.
    NotAffected,
}

impl FixState {
    /// The state's name in the database and in findings (`fixed`, `not-fixed`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FixState::Fixed => "fixed",
            FixState::NotFixed => "not-fixed",
            FixState::WillNotFix => "will-not-fix",
            FixState::NotAffected => "not-affected",
        }
    }
}

impl fmt::Display for FixState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FixState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fixed" => Ok(FixState::Fixed),
            "not-fixed" => Ok(FixState::NotFixed),
            "will-not-fix" => Ok(FixState::WillNotFix),
            "not-affected" => Ok(FixState::NotAffected),
            other => Err(format!("unknown fix state `{other}`")),
        }
    }
}

/// One advisory statement about one package in one distro release (or ecosystem).
///
/// `distro` is the os-release `ID` family the record applies to (`amzn`, `debian`,
/// `ubuntu`, `alpine`, `rhel`, ...) or, for language packages, the OSV ecosystem
/// (`PyPI`, `npm`, `RubyGems`, `Maven`, ...) with an empty `release`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AdvisoryRecord {
    /// The distribution family or ecosystem the record applies to (see above).
    pub distro: String,
    /// The distribution release (`2023`, `bookworm`, `3.19`); empty for ecosystems and
    /// for Amazon Linux 1's single stream.
    pub release: String,
    /// Binary package name (Amazon Linux/RHEL), source package name (Debian, Ubuntu,
    /// Alpine), or the ecosystem's package name.
    pub package: String,
    /// The advisory's own id (`ALAS2023-2024-512`, `DSA-5678-1`, `GHSA-...`, or the CVE
    /// id when the vendor tracks CVEs directly, as Debian and Alpine do).
    pub id: String,
    /// How `introduced`, `fixed` and `last_affected` are ordered against installed
    /// versions.
    pub scheme: Scheme,
    /// Whether a fix exists; decides whether a match is fixable.
    pub fix_state: FixState,
    /// First affected version; `None` means all versions below `fixed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    /// The first fixed version; installed versions below it (and at or above
    /// `introduced`) are affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// Last affected version when the feed gives that instead of a fix (OSV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    /// Normalised severity; `None` when the vendor gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The vendor's own word for it (`important`, `unimportant`, `MODERATE`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_severity: Option<String>,
    /// The CVE ids the advisory covers; a finding carries them.
    #[serde(default)]
    pub cves: Vec<String>,
    /// The vendor's one-line title, the finding's title when present.
    #[serde(default)]
    pub title: String,
    /// The vendor's page for the advisory, the finding's reference.
    #[serde(default)]
    pub url: String,
    /// Which import produced it (`alas`, `debian-tracker`, `alpine-secdb`, `osv`).
    pub source: String,
}

/// Maps a vendor severity word onto kensa's scale.
pub fn map_severity(vendor: &str) -> Option<Severity> {
    match vendor.trim().to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "important" | "high" => Some(Severity::High),
        "moderate" | "medium" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        "unimportant" | "negligible" | "informational" | "none" => Some(Severity::Informational),
        _ => None,
    }
}

/// Sorts and removes exact duplicates so the database is deterministic.
pub fn normalise(records: &mut Vec<AdvisoryRecord>) {
    for r in records.iter_mut() {
        r.cves.sort();
        r.cves.dedup();
    }
    records.sort();
    records.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_scales_map() {
        assert_eq!(map_severity("Important"), Some(Severity::High));
        assert_eq!(map_severity("critical"), Some(Severity::Critical));
        assert_eq!(map_severity("MODERATE"), Some(Severity::Medium));
        assert_eq!(map_severity("unimportant"), Some(Severity::Informational));
        assert_eq!(map_severity("not yet assigned"), None);
    }
}
