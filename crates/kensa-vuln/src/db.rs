//! The local advisory database: one versioned, sorted, gzipped JSON file.
//!
//! Records are kept sorted and deduplicated so the same imports always give the same
//! bytes. An import replaces every record of the same (source, distro, release) it
//! brings, so re-importing a feed is idempotent. Writes go to a temporary file that is
//! renamed over the old one, so a crash never leaves a half-written database.
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::advisory::{normalise, AdvisoryRecord};
use crate::error::{Error, Result};
use crate::feeds::{gunzip_if_needed, Import};

/// The `format` a database file must declare: any other JSON is refused, not misread.
pub(crate) const FORMAT: &str = "kensa-advisory-db";
/// The file format version this kensa writes and reads.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// The local advisory database (`kensa db update|import`): every imported record,
/// normalised, in one gzipped JSON file that `kensa vuln scan` loads offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Database {
    /// Always `kensa-advisory-db`; checked on load.
    pub format: String,
    /// The file format version; a newer one is refused on load.
    pub version: u32,
    /// The records, sorted and deduplicated.
    pub records: Vec<AdvisoryRecord>,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            format: FORMAT.into(),
            version: FORMAT_VERSION,
            records: Vec::new(),
        }
    }
}

/// Per (source, distro, release): how many records and distinct advisories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The import that produced the records (`alas`, `debian-tracker`, ...).
    pub source: String,
    /// The distribution family or ecosystem.
    pub distro: String,
    /// The release (empty for ecosystems).
    pub release: String,
    /// How many records (one per advisory and package).
    pub records: usize,
    /// How many distinct advisory ids.
    pub advisories: usize,
    /// How many distinct package names.
    pub packages: usize,
}

impl Database {
    /// Where the database is when none is named: `$KENSA_VULN_DB`, else
    /// `$XDG_DATA_HOME/kensa/advisories.json.gz` (`~/.local/share/...` without it), as
    /// `kensa db` and `kensa vuln scan` use by default; runs read it for the cve package.
    pub fn default_path() -> std::path::PathBuf {
        use std::path::PathBuf;
        if let Some(file) = std::env::var_os("KENSA_VULN_DB").filter(|f| !f.is_empty()) {
            return PathBuf::from(file);
        }
        std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."))
            .join("kensa/advisories.json.gz")
    }

    /// Loads a database file (gzipped or plain JSON).
    pub fn load(path: &Path) -> Result<Database> {
        let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let bad = |message: String| Error::Database {
            path: path.to_path_buf(),
            message,
        };
        let bytes = gunzip_if_needed(&raw).map_err(bad)?;
        let db: Database = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("line {} column {}: {e}", e.line(), e.column())))?;
        if db.format != FORMAT {
            return Err(bad(format!(
                "format is `{}`, expected `{FORMAT}`",
                db.format
            )));
        }
        if db.version > FORMAT_VERSION {
            return Err(bad(format!(
                "format version {} is newer than this kensa understands ({FORMAT_VERSION})",
                db.version
            )));
        }
        Ok(db)
    }

    /// Loads the file if it exists, else an empty database.
    pub fn load_or_default(path: &Path) -> Result<Database> {
        if path.exists() {
            Database::load(path)
        } else {
            Ok(Database::default())
        }
    }

    /// Writes atomically (temporary file + rename), gzipped when the name ends in `.gz`.
    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let json = serde_json::to_vec(self).map_err(|e| Error::Database {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let bytes = if path.extension().is_some_and(|e| e == "gz") {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            enc.write_all(&json).map_err(|e| Error::io(path, e))?;
            enc.finish().map_err(|e| Error::io(path, e))?
        } else {
            json
        };
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    }

    /// Merges an import: its (source, distro, release) groups replace the old ones.
    pub fn apply(&mut self, import: Import) {
        let groups: BTreeSet<(String, String, String)> = import
            .records
            .iter()
            .map(|r| (r.source.clone(), r.distro.clone(), r.release.clone()))
            .collect();
        self.records
            .retain(|r| !groups.contains(&(r.source.clone(), r.distro.clone(), r.release.clone())));
        self.records.extend(import.records);
        normalise(&mut self.records);
    }

    /// Counts per (source, distro, release), sorted.
    pub fn summary(&self) -> Vec<Summary> {
        type Key = (String, String, String);
        let mut groups: BTreeMap<Key, (usize, BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
        for r in &self.records {
            let key = (r.source.clone(), r.distro.clone(), r.release.clone());
            let g = groups.entry(key).or_default();
            g.0 += 1;
            g.1.insert(&r.id);
            g.2.insert(&r.package);
        }
        groups
            .into_iter()
            .map(
                |((source, distro, release), (records, ids, pkgs))| Summary {
                    source,
                    distro,
                    release,
                    records,
                    advisories: ids.len(),
                    packages: pkgs.len(),
                },
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advisory::FixState;
    use crate::version::Scheme;

    fn rec(id: &str, release: &str) -> AdvisoryRecord {
        AdvisoryRecord {
            distro: "amzn".into(),
            release: release.into(),
            package: "curl".into(),
            id: id.into(),
            scheme: Scheme::Rpm,
            fix_state: FixState::Fixed,
            introduced: None,
            fixed: Some("7.1-1".into()),
            last_affected: None,
            severity: None,
            vendor_severity: None,
            cves: vec![],
            title: String::new(),
            url: String::new(),
            source: "alas".into(),
        }
    }

    #[test]
    fn import_replaces_its_groups_and_roundtrips() {
        let mut db = Database::default();
        db.apply(Import {
            records: vec![rec("ALAS2-1", "2"), rec("ALAS2023-1", "2023")],
            ..Default::default()
        });
        db.apply(Import {
            records: vec![rec("ALAS2-2", "2")],
            ..Default::default()
        });
        let ids: Vec<&str> = db.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["ALAS2-2", "ALAS2023-1"]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.json.gz");
        db.save(&path).unwrap();
        assert_eq!(Database::load(&path).unwrap(), db);
        std::fs::write(
            &path,
            b"{\"format\":\"other\",\"version\":1,\"records\":[]}",
        )
        .unwrap();
        assert!(Database::load(&path)
            .unwrap_err()
            .to_string()
            .contains("format"));
    }
}
