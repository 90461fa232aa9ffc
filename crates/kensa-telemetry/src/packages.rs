//! Installed packages. These types are the inventory's own (kensa-inventory and
//! kensa-vuln re-export them), kept here so that the telemetry document carries exactly
//! what the vulnerability matcher reads, with no second format to convert.
use serde::{Deserialize, Serialize};

/// Which package manager or ecosystem a package belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageKind {
    /// rpm database (Amazon Linux, RHEL and derivatives).
    Rpm,
    /// dpkg status (Debian, Ubuntu).
    Deb,
    /// apk installed database (Alpine).
    Apk,
    /// Python distributions (`*.dist-info`, `*.egg-info`).
    Python,
    /// npm packages (`node_modules/*/package.json`).
    Npm,
    /// Ruby gems (gem specifications).
    Gem,
    /// Java archives (Maven coordinates from the archive's metadata).
    Jar,
}

impl PackageKind {
    /// The kind as written in documents and findings (`rpm`, `deb`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PackageKind::Rpm => "rpm",
            PackageKind::Deb => "deb",
            PackageKind::Apk => "apk",
            PackageKind::Python => "python",
            PackageKind::Npm => "npm",
            PackageKind::Gem => "gem",
            PackageKind::Jar => "jar",
        }
    }

    /// The OSV ecosystem of a language package.
    pub fn ecosystem(self) -> Option<&'static str> {
        match self {
            PackageKind::Python => Some("PyPI"),
            PackageKind::Npm => Some("npm"),
            PackageKind::Gem => Some("RubyGems"),
            PackageKind::Jar => Some("Maven"),
            _ => None,
        }
    }
}

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InstalledPackage {
    /// Package manager or ecosystem.
    pub kind: PackageKind,
    /// Package name as the package manager states it.
    pub name: String,
    /// The version as the package manager states it (rpm: `[epoch:]version-release`).
    pub version: String,
    /// Architecture (`x86_64`, `amd64`, `noarch`); empty for language packages.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub arch: String,
    /// Source package (Debian `Source:`, apk origin, rpm SOURCERPM name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// Source version when it differs from the binary version (Debian binNMUs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// Where it was found (language packages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// The distribution, from `/etc/os-release` (the fields the matcher needs).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OsInfo {
    /// `ID`: amzn, debian, ubuntu, alpine, rhel, centos, rocky, almalinux, fedora, ...
    pub id: String,
    /// `VERSION_ID`: `2`, `2023`, `12`, `22.04`.
    #[serde(default)]
    pub version_id: String,
    /// `VERSION_CODENAME`: `bookworm`, `jammy`; empty where the OS has none.
    #[serde(default)]
    pub version_codename: String,
    /// `ID_LIKE`, split on whitespace: the distributions this one derives from.
    #[serde(default)]
    pub id_like: Vec<String>,
    /// `PRETTY_NAME`, for display.
    #[serde(default)]
    pub pretty_name: String,
}

impl OsInfo {
    /// Takes the matcher's fields from parsed os-release fields.
    pub fn from_fields(fields: &std::collections::BTreeMap<String, String>) -> OsInfo {
        let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
        OsInfo {
            id: get("ID").to_ascii_lowercase(),
            version_id: get("VERSION_ID"),
            version_codename: get("VERSION_CODENAME"),
            id_like: get("ID_LIKE")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            pretty_name: get("PRETTY_NAME"),
        }
    }
}

/// Parses os-release text (shell-style `KEY=value`, optionally quoted) into all its
/// fields; comments and lines without `=` are ignored.
pub fn parse_os_release(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
            (k.trim().to_string(), v.to_string())
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}
