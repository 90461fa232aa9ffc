//! rpm packages: `rpm -qa` text output, the `rpmdb.sqlite` database of Amazon Linux
//! 2023, RHEL 9 and Fedora, and the Berkeley DB `Packages` file of Amazon Linux 2,
//! RHEL/CentOS 7 and older Fedora (a hash database of package number -> header blob).
//!
//! In `rpmdb.sqlite`, table `Packages(hnum, blob)` holds one rpm header per package. A
//! header blob is: index entry count (u32 BE), data size (u32 BE), that many 16-byte
//! index entries (tag, type, offset, count; all BE), then the data store. Strings are
//! NUL-terminated, INT32 values big-endian.
use std::path::Path;

use crate::error::{Error, Location, Problem, Result};
use crate::{InstalledPackage, PackageKind};

const TAG_NAME: i32 = 1000;
const TAG_VERSION: i32 = 1001;
const TAG_RELEASE: i32 = 1002;
const TAG_EPOCH: i32 = 1003;
const TAG_ARCH: i32 = 1022;
const TAG_SOURCERPM: i32 = 1044;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

const ARCHES: [&str; 10] = [
    "x86_64", "aarch64", "noarch", "i686", "i386", "armv7hl", "ppc64le", "s390x", "src", "ppc64",
];

/// `[epoch:]version-release`, without a zero or missing epoch.
pub fn evr(epoch: Option<&str>, version: &str, release: &str) -> String {
    let vr = if release.is_empty() {
        version.to_string()
    } else {
        format!("{version}-{release}")
    };
    match epoch {
        None | Some("") | Some("0") | Some("(none)") => vr,
        Some(e) => format!("{e}:{vr}"),
    }
}

fn package(name: &str, version: String, arch: &str, sourcerpm: Option<&str>) -> InstalledPackage {
    InstalledPackage {
        kind: PackageKind::Rpm,
        name: name.to_string(),
        version,
        arch: arch.to_string(),
        source_name: sourcerpm.and_then(source_name_of),
        source_version: None,
        location: None,
    }
}

/// `openssl-1.0.2k-19.amzn2.0.1.src.rpm` -> `openssl`.
fn source_name_of(srpm: &str) -> Option<String> {
    let base = srpm.strip_suffix(".rpm")?;
    let base = base.rsplit_once('.').map_or(base, |(b, _)| b);
    let (rest, _release) = base.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    Some(name.to_string())
}

/// Parses `rpm -qa` output. Accepted per line: `NAME EPOCH VERSION RELEASE ARCH`
/// (EPOCH may be `(none)`), `NAME [E:]VERSION-RELEASE [ARCH]`, or the default NEVRA
/// `name-[E:]version-release.arch`. Fields are separated by tabs or spaces.
pub fn parse_qa(text: &str, file: &str, problems: &mut Vec<Problem>) -> Vec<InstalledPackage> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let pkg = match f.as_slice() {
            [] => continue,
            [name, epoch, version, release, arch] => Some(package(
                name,
                evr(Some(epoch), version, release),
                arch,
                None,
            )),
            [name, evr_text, arch] => Some(package(name, evr_text.to_string(), arch, None)),
            [name, evr_text] => Some(package(name, evr_text.to_string(), "", None)),
            [nevra] => parse_nevra(nevra),
            _ => None,
        };
        match pkg {
            Some(p) if !p.version.is_empty() && !p.name.is_empty() => out.push(p),
            _ => problems.push(Problem::new(
                Location::line(file, n + 1),
                format!("cannot read an rpm package from {line:?}; skipped"),
            )),
        }
    }
    out
}

fn parse_nevra(s: &str) -> Option<InstalledPackage> {
    let (rest, arch) = match s.rsplit_once('.') {
        Some((r, a)) if ARCHES.contains(&a) => (r, a),
        _ => (s, ""),
    };
    let (rest, release) = rest.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    Some(package(name, format!("{version}-{release}"), arch, None))
}

/// Reads `rpmdb.sqlite`. A header that does not parse is reported (with its `hnum`)
/// and skipped.
pub fn read_sqlite(path: &Path, problems: &mut Vec<Problem>) -> Result<Vec<InstalledPackage>> {
    let mut out = Vec::new();
    for_each_sqlite_header(path, |at, blob| match parse_header(blob) {
        Ok(Some(p)) => out.push(p),
        Ok(None) => {}
        Err(message) => problems.push(Problem::new(
            Location::file(at),
            format!("bad rpm header: {message}; skipped"),
        )),
    })?;
    Ok(out)
}

/// Calls `each` with every header blob of `rpmdb.sqlite` and where it is (the file and
/// its `hnum`, for problem reports).
pub fn for_each_sqlite_header(path: &Path, mut each: impl FnMut(String, &[u8])) -> Result<()> {
    let err = |message: String| Error::RpmDb {
        path: path.to_path_buf(),
        message,
    };
    use rusqlite::{Connection, OpenFlags};
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let query = "SELECT hnum, blob FROM Packages ORDER BY hnum";
    // A WAL-mode database on a read-only mount cannot be opened normally; then read
    // the main file as immutable.
    let conn = Connection::open_with_flags(path, flags)
        .and_then(|c| c.prepare(query).map(drop).map(|_| c))
        .or_else(|_| {
            let uri = format!("file:{}?immutable=1", path.display());
            Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
        })
        .map_err(|e| err(e.to_string()))?;
    let mut stmt = conn.prepare(query).map_err(|e| err(e.to_string()))?;
    let rows = stmt
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
        })
        .map_err(|e| err(e.to_string()))?;
    let file = path.display().to_string();
    for row in rows {
        let (hnum, blob) = row.map_err(|e| err(e.to_string()))?;
        each(format!("{file} (Packages hnum {hnum})"), &blob);
    }
    Ok(())
}

/// Reads a Berkeley DB `Packages` file. A page or header that does not read is reported
/// (with its page and package number) and skipped; an error means the file as a whole
/// is not a readable hash database.
pub fn read_bdb(path: &Path, problems: &mut Vec<Problem>) -> Result<Vec<InstalledPackage>> {
    let mut out = Vec::new();
    let (mut bad, mut pages) = (Vec::new(), Vec::new());
    for_each_bdb_header(path, &mut pages, |at, blob| match parse_header(blob) {
        Ok(Some(p)) => out.push(p),
        Ok(None) => {}
        Err(message) => bad.push(Problem::new(
            Location::file(at),
            format!("bad rpm header: {message}; skipped"),
        )),
    })?;
    // Header problems first, then the pages that could not be read.
    problems.append(&mut bad);
    problems.append(&mut pages);
    Ok(out)
}

/// Calls `each` with every header blob of a Berkeley DB `Packages` file and where it is
/// (file, page and package number); pages that cannot be read go to `problems`.
pub fn for_each_bdb_header(
    path: &Path,
    problems: &mut Vec<Problem>,
    mut each: impl FnMut(String, &[u8]),
) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let db = super::bdb::HashDb::open(&bytes).map_err(|message| Error::RpmDb {
        path: path.to_path_buf(),
        message,
    })?;
    let file = path.display().to_string();
    let mut page_problems = Vec::new();
    db.for_each_record(&mut page_problems, |record| {
        let number =
            <[u8; 4]>::try_from(record.key.as_slice())
                .ok()
                .map(|k| match db.big_endian() {
                    true => u32::from_be_bytes(k),
                    false => u32::from_le_bytes(k),
                });
        // Record 0 is rpm's bookkeeping (the next free package number), not a header.
        if number == Some(0) {
            return;
        }
        let at = format!(
            "{file} (page {}, package {})",
            record.page,
            number.map_or_else(|| format!("key {:02x?}", record.key), |n| n.to_string())
        );
        each(at, &record.value);
    });
    problems.extend(page_problems.into_iter().map(|p| {
        Problem::new(
            Location::file(format!("{file} (page {})", p.page)),
            p.message,
        )
    }));
    Ok(())
}

/// Parses one header blob into a package; `Ok(None)` for gpg-pubkey pseudo-packages.
pub fn parse_header(blob: &[u8]) -> std::result::Result<Option<InstalledPackage>, String> {
    let be32 = |at: usize| -> std::result::Result<u32, String> {
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
    if blob.len() < data_start + dl {
        return Err(format!(
            "blob is {} bytes, header needs {}",
            blob.len(),
            data_start + dl
        ));
    }
    let data = &blob[data_start..data_start + dl];
    let (mut name, mut version, mut release, mut arch, mut srpm) = (None, None, None, None, None);
    let mut epoch: Option<String> = None;
    for i in 0..il {
        let at = 8 + i * 16;
        let tag = be32(at)? as i32;
        let ty = be32(at + 4)?;
        let offset = be32(at + 8)? as usize;
        if offset >= dl && matches!(tag, TAG_NAME..=TAG_EPOCH | TAG_ARCH | TAG_SOURCERPM) {
            return Err(format!(
                "tag {tag} points outside the data ({offset} >= {dl})"
            ));
        }
        let string = || -> std::result::Result<String, String> {
            if !matches!(ty, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
                return Err(format!("tag {tag} has type {ty}, expected a string"));
            }
            let rest = &data[offset..];
            let end = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or("unterminated string")?;
            Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
        };
        match tag {
            TAG_NAME => name = Some(string()?),
            TAG_VERSION => version = Some(string()?),
            TAG_RELEASE => release = Some(string()?),
            TAG_ARCH => arch = Some(string()?),
            TAG_SOURCERPM => srpm = Some(string()?),
            TAG_EPOCH if ty == TYPE_INT32 => {
                let b = data.get(offset..offset + 4).ok_or("truncated epoch")?;
                epoch = Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]).to_string());
            }
            _ => {}
        }
    }
    let (Some(name), Some(version)) = (name, version) else {
        return Err("header has no name or version".into());
    };
    if name == "gpg-pubkey" {
        return Ok(None);
    }
    let version = evr(epoch.as_deref(), &version, release.as_deref().unwrap_or(""));
    let arch = arch.unwrap_or_default();
    Ok(Some(package(&name, version, &arch, srpm.as_deref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qa_formats() {
        let text = "bash\t(none)\t5.2.15\t1.amzn2023.0.2\tx86_64\nopenssl-libs 1:3.0.8-1.amzn2023.0.9 x86_64\ncurl-minimal-8.3.0-1.amzn2023.0.1.x86_64\nfoo bar baz qux\n";
        let mut problems = Vec::new();
        let pkgs = parse_qa(text, "qa.txt", &mut problems);
        assert_eq!(pkgs.len(), 3);
        assert_eq!(pkgs[0].version, "5.2.15-1.amzn2023.0.2");
        assert_eq!(pkgs[1].version, "1:3.0.8-1.amzn2023.0.9");
        assert_eq!(
            (pkgs[2].name.as_str(), pkgs[2].version.as_str()),
            ("curl-minimal", "8.3.0-1.amzn2023.0.1")
        );
        assert_eq!(problems[0].location.line, Some(4));
        assert_eq!(
            source_name_of("openssl-1.0.2k-19.amzn2.0.1.src.rpm").as_deref(),
            Some("openssl")
        );
    }

    #[test]
    fn header_errors_are_reported() {
        assert!(parse_header(&[0, 0]).unwrap_err().contains("truncated"));
        assert!(parse_header(&[0, 0, 0, 1, 0, 0, 0, 64])
            .unwrap_err()
            .contains("blob is"));
    }
}
