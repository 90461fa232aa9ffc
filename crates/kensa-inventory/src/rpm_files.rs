//! The file list of an rpm header: `DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]` (rpm >= 4.0),
//! or `OLDFILENAMES` in headers written before file names were split.
//!
//! The header layout is the one [`crate::rpm`] documents: entry count, data size, 16-byte
//! index entries (tag, type, offset, count; big-endian), then the data store.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kensa_telemetry::OwningPackage;

use crate::error::{Location, Problem};

const TAG_OLDFILENAMES: u32 = 1027;
const TAG_DIRINDEXES: u32 = 1116;
const TAG_BASENAMES: u32 = 1117;
const TAG_DIRNAMES: u32 = 1118;

const TYPE_INT32: u32 = 4;
const TYPE_STRING_ARRAY: u32 = 8;

/// Every file path an rpm header lists (absolute). A header without files (a
/// meta-package) gives an empty list; a header whose file tags do not read is an error.
pub fn header_files(blob: &[u8]) -> Result<Vec<String>, String> {
    let be32 = |at: usize| -> Result<u32, String> {
        blob.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| format!("truncated at byte {at}"))
    };
    let il = be32(0)? as usize;
    let dl = be32(4)? as usize;
    if il == 0 || il > 0xffff || dl > 0x0fff_ffff {
        return Err(format!(
            "implausible header sizes (entries {il}, data {dl})"
        ));
    }
    let data_start = 8 + il * 16;
    let data = blob.get(data_start..data_start + dl).ok_or_else(|| {
        format!(
            "blob is {} bytes, header needs {}",
            blob.len(),
            data_start + dl
        )
    })?;
    let (mut dirindexes, mut basenames, mut dirnames, mut old) = (None, None, None, None);
    for i in 0..il {
        let at = 8 + i * 16;
        let (tag, ty) = (be32(at)?, be32(at + 4)?);
        let (offset, count) = (be32(at + 8)? as usize, be32(at + 12)? as usize);
        let wrong_type = |want: u32| format!("tag {tag} has type {ty}, expected {want}");
        match tag {
            TAG_DIRINDEXES if ty == TYPE_INT32 => dirindexes = Some(int32s(data, offset, count)?),
            TAG_BASENAMES if ty == TYPE_STRING_ARRAY => {
                basenames = Some(strings(data, offset, count)?)
            }
            TAG_DIRNAMES if ty == TYPE_STRING_ARRAY => {
                dirnames = Some(strings(data, offset, count)?)
            }
            TAG_OLDFILENAMES if ty == TYPE_STRING_ARRAY => {
                old = Some(strings(data, offset, count)?)
            }
            TAG_DIRINDEXES => return Err(wrong_type(TYPE_INT32)),
            TAG_BASENAMES | TAG_DIRNAMES | TAG_OLDFILENAMES => {
                return Err(wrong_type(TYPE_STRING_ARRAY))
            }
            _ => {}
        }
    }
    match (basenames, dirindexes, dirnames) {
        (Some(base), Some(index), Some(dirs)) => {
            if base.len() != index.len() {
                return Err(format!(
                    "{} base names but {} directory indexes",
                    base.len(),
                    index.len()
                ));
            }
            base.iter()
                .zip(index)
                .map(|(name, d)| {
                    let dir = dirs.get(d as usize).ok_or_else(|| {
                        format!("directory index {d} beyond {} directories", dirs.len())
                    })?;
                    Ok(format!("{dir}{name}"))
                })
                .collect()
        }
        (None, None, None) => Ok(old.unwrap_or_default()),
        _ => Err("incomplete file list (base names, directory indexes and directory names must come together)".into()),
    }
}

/// rpm's share of [`crate::owners::owners`]: the files of every header in the root's rpm
/// database that are `wanted`. Headers that do not parse were already reported by the
/// inventory; a file list that does not read is reported here.
pub(crate) fn rpm_lists(
    root: &Path,
    wanted: &BTreeSet<String>,
    found: &mut BTreeMap<String, OwningPackage>,
    problems: &mut Vec<Problem>,
) {
    let mut visit = |at: String, blob: &[u8]| {
        let Ok(Some(pkg)) = crate::rpm::parse_header(blob) else {
            return;
        };
        match header_files(blob) {
            Ok(files) => {
                for f in files.into_iter().filter(|f| wanted.contains(f)) {
                    found
                        .entry(f)
                        .or_insert_with(|| crate::owners::owning(&pkg));
                }
            }
            Err(message) => problems.push(Problem::new(
                Location::file(at),
                format!("file list of {} not read: {message}", pkg.name),
            )),
        }
    };
    let result = if let Some(sqlite) = crate::rpm_sqlite(root) {
        crate::rpm::for_each_sqlite_header(&sqlite, &mut visit)
    } else if root.join(crate::RPM_BDB).is_file() {
        // Page problems were reported by the inventory already.
        crate::rpm::for_each_bdb_header(&root.join(crate::RPM_BDB), &mut Vec::new(), &mut visit)
    } else {
        let ndb = [
            "usr/lib/sysimage/rpm/Packages.db",
            "var/lib/rpm/Packages.db",
        ]
        .into_iter()
        .map(|p| root.join(p))
        .find(|p| p.is_file());
        if let Some(ndb) = ndb {
            problems.push(Problem::new(
                Location::file(ndb.display().to_string()),
                "rpm's ndb database format is not read: the packages owning listening programs are unknown",
            ));
        }
        Ok(())
    };
    if let Err(e) = result {
        problems.push(Problem::new(
            Location::file(root.display().to_string()),
            format!(
                "rpm file lists not read ({e}): the packages owning listening programs are unknown"
            ),
        ));
    }
}

fn int32s(data: &[u8], offset: usize, count: usize) -> Result<Vec<u32>, String> {
    let end = count
        .checked_mul(4)
        .and_then(|n| n.checked_add(offset))
        .filter(|&end| end <= data.len())
        .ok_or_else(|| format!("{count} integers at {offset} run past the data"))?;
    Ok(data[offset..end]
        .chunks_exact(4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn strings(data: &[u8], offset: usize, count: usize) -> Result<Vec<String>, String> {
    let mut rest = data
        .get(offset..)
        .ok_or_else(|| format!("strings at {offset} start past the data"))?;
    let mut out = Vec::with_capacity(count.min(rest.len()));
    for _ in 0..count {
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or("unterminated string")?;
        out.push(String::from_utf8_lossy(&rest[..end]).into_owned());
        rest = &rest[end + 1..];
    }
    Ok(out)
}

/// Builds header blobs for tests (here and in the owners tests).
#[cfg(test)]
pub(crate) mod build {
    /// A header with string tags (type 6), string arrays (type 8) and int32 arrays.
    pub fn header(
        strings: &[(u32, &str)],
        arrays: &[(u32, &[&str])],
        ints: &[(u32, &[u32])],
    ) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, ints) in ints {
            index.push((*tag, 4u32, data.len() as u32, ints.len() as u32));
            for i in *ints {
                data.extend(i.to_be_bytes());
            }
        }
        for (tag, s) in strings {
            index.push((*tag, 6, data.len() as u32, 1));
            data.extend(s.as_bytes());
            data.push(0);
        }
        for (tag, items) in arrays {
            index.push((*tag, 8, data.len() as u32, items.len() as u32));
            for s in *items {
                data.extend(s.as_bytes());
                data.push(0);
            }
        }
        let mut blob = Vec::new();
        blob.extend((index.len() as u32).to_be_bytes());
        blob.extend((data.len() as u32).to_be_bytes());
        for (tag, ty, offset, count) in index {
            for v in [tag, ty, offset, count] {
                blob.extend(v.to_be_bytes());
            }
        }
        blob.extend(data);
        blob
    }
}

#[cfg(test)]
mod tests {
    use super::build::header;
    use super::*;

    #[test]
    fn split_file_names_are_joined() {
        let blob = header(
            &[(1000, "openssh-server")],
            &[
                (TAG_BASENAMES, &["sshd", "sshd_config"]),
                (TAG_DIRNAMES, &["/usr/sbin/", "/etc/ssh/"]),
            ],
            &[(TAG_DIRINDEXES, &[0, 1])],
        );
        assert_eq!(
            header_files(&blob).unwrap(),
            ["/usr/sbin/sshd", "/etc/ssh/sshd_config"]
        );
    }

    #[test]
    fn old_and_empty_file_lists() {
        let old = header(&[], &[(TAG_OLDFILENAMES, &["/bin/sh"])], &[]);
        assert_eq!(header_files(&old).unwrap(), ["/bin/sh"]);
        let none = header(&[(1000, "meta")], &[], &[]);
        assert!(header_files(&none).unwrap().is_empty());
    }

    /// An rpmdb.sqlite fixture root built from headers (no rpm binary needed).
    #[test]
    fn rpm_database_file_lists_name_the_owner() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("var/lib/rpm");
        std::fs::create_dir_all(&dir).unwrap();
        let conn = rusqlite::Connection::open(dir.join("rpmdb.sqlite")).unwrap();
        conn.execute(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)",
            [],
        )
        .unwrap();
        let sshd = header(
            &[
                (1000, "openssh-server"),
                (1001, "8.7p1"),
                (1002, "8.amzn2023.0.4"),
                (1022, "x86_64"),
            ],
            &[
                (TAG_BASENAMES, &["sshd", "sshd_config"]),
                (TAG_DIRNAMES, &["/usr/sbin/", "/etc/ssh/"]),
            ],
            &[(TAG_DIRINDEXES, &[0, 1])],
        );
        let broken = header(
            &[(1000, "broken"), (1001, "1"), (1002, "1"), (1022, "noarch")],
            &[(TAG_BASENAMES, &["x"])],
            &[],
        );
        for (n, blob) in [(1, sshd), (2, broken)] {
            conn.execute(
                "INSERT INTO Packages VALUES (?1, ?2)",
                rusqlite::params![n, blob],
            )
            .unwrap();
        }
        drop(conn);
        let mut problems = Vec::new();
        let paths = [
            "/usr/sbin/sshd".to_string(),
            "/sbin/sshd".into(),
            "/usr/bin/nope".into(),
        ];
        let found = crate::owners::owners(root.path(), &paths, &[], &mut problems);
        let names: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|(p, o)| (p.as_str(), o.name.as_str(), o.version.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("/sbin/sshd", "openssh-server", "8.7p1-8.amzn2023.0.4"),
                ("/usr/sbin/sshd", "openssh-server", "8.7p1-8.amzn2023.0.4")
            ]
        );
        assert_eq!(found["/usr/sbin/sshd"].kind, crate::PackageKind::Rpm);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0]
            .to_string()
            .contains("file list of broken not read"));
    }

    #[test]
    fn inconsistent_file_lists_are_errors() {
        let bad_index = header(
            &[],
            &[(TAG_BASENAMES, &["a"]), (TAG_DIRNAMES, &["/x/"])],
            &[(TAG_DIRINDEXES, &[3])],
        );
        assert!(header_files(&bad_index).unwrap_err().contains("beyond"));
        let partial = header(&[], &[(TAG_BASENAMES, &["a"])], &[]);
        assert!(header_files(&partial).unwrap_err().contains("incomplete"));
        let truncated = header(&[], &[(TAG_OLDFILENAMES, &["/a"])], &[]);
        assert!(header_files(&truncated[..truncated.len() - 1]).is_err());
    }
}
