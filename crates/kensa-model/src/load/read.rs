//! Reading one snapshot file with bounds: regular files only, a size limit (checked on
//! the decompressed size for `.json.gz`), gzip'd describe outputs inflated as they are read.
use std::fs::File;
use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;

/// The default per-file limit: 1 GiB. A real account's `Reservations.json` can be
/// hundreds of MB; a file beyond this is more likely a mistake (or `/dev/zero`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1 << 30;

/// How the loader reads files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Files (decompressed) larger than this many bytes are rejected.
    pub max_file_size: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A device, FIFO or socket: reading it could block forever or never end.
    #[error("not a regular file (a device, FIFO or socket); refused")]
    NotAFile,
    /// Over the size limit, which guards memory against a huge file or a gzip bomb.
    #[error("larger than the {limit}-byte limit{}; raise it with --max-file-size or KENSA_MAX_FILE_SIZE", if *.compressed { " once decompressed" } else { "" })]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
        /// Whether the limit was crossed while inflating a `.gz` file.
        compressed: bool,
    },
    /// A `.gz` file whose data does not inflate.
    #[error("not valid gzip data: {0}")]
    Gzip(std::io::Error),
    /// Bytes that are not UTF-8 (JSON must be); the offset of the first bad byte.
    #[error("not UTF-8 text: invalid byte at offset {0}")]
    NotUtf8(usize),
    /// Any other I/O error while reading.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// True for `*.json.gz` (compared case-insensitively).
pub fn is_gzip_name(path: &Path) -> bool {
    path.file_name()
        .map(|n| {
            n.to_string_lossy()
                .to_ascii_lowercase()
                .ends_with(".json.gz")
        })
        .unwrap_or(false)
}

/// The bytes of `path` (inflated when it is `*.json.gz`), at most `limit` of them.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = File::open(path)?;
    if is_gzip_name(path) {
        let mut out = Vec::new();
        MultiGzDecoder::new(file)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(ReadError::Gzip)?;
        if out.len() as u64 > limit {
            return Err(ReadError::TooLarge {
                limit,
                compressed: true,
            });
        }
        return Ok(out);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            limit,
            compressed: false,
        });
    }
    let mut out = Vec::with_capacity(meta.len() as usize);
    // The file may grow between the check and the read: the bound holds regardless.
    file.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            limit,
            compressed: false,
        });
    }
    Ok(out)
}

/// [`read_file`] as UTF-8 text.
pub fn read_limited(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_file(path, limit)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// `text` without a leading UTF-8 byte-order mark (PowerShell's `Out-File` writes one).
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_inflated_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Vpcs.json.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&vec![b' '; 10_000]).unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        assert_eq!(read_file(&path, 10_000).unwrap().len(), 10_000);
        let err = read_file(&path, 9_999).unwrap_err();
        assert!(err.to_string().contains("once decompressed"), "{err}");
    }

    #[test]
    fn special_files_are_refused() {
        let err = read_file(Path::new("/dev/null"), 10).unwrap_err();
        assert!(matches!(err, ReadError::NotAFile), "{err}");
    }

    #[test]
    fn bom_is_stripped_once() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(strip_bom(b"{}"), b"{}");
    }
}
