//! The spool directory: the agent's credential, its last sequence number, and uploads
//! waiting to be delivered (`outbox/`), one gzipped document per file, named by
//! sequence so that they are sent in order. Every write is a temporary file renamed
//! into place, so a crash leaves either the old or the new state.
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Uploads kept while the server is away; beyond this the oldest are dropped (and
/// logged), so a long outage costs the oldest reports, not the disk.
pub const MAX_PENDING: usize = 1000;

/// A spool file or directory that cannot be used; always names the path.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    /// Reading, writing or renaming failed (permissions, full disk).
    #[error("spool {path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file the agent wrote no longer parses (credential JSON, sequence number).
    #[error("spool {path}: {message}")]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SpoolError + '_ {
    move |source| SpoolError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What enrollment gave this agent; the file is readable by its owner only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// The server URL it was issued by; another server means enrolling again.
    pub server: String,
    /// The agent's id on that server.
    pub agent_id: String,
    /// Bearer secret sent with every request.
    pub credential: String,
}

/// An upload waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Position in delivery order; the server refuses any at or below the last it stored.
    pub sequence: u64,
    /// UUID the server uses to recognise a report sent twice.
    pub upload_id: String,
    /// The gzipped document, `outbox/SEQUENCE-UPLOADID.json.gz`.
    pub path: PathBuf,
}

/// An opened spool directory.
pub struct Spool {
    dir: PathBuf,
}

impl Spool {
    /// Opens (creating, mode 0700) a spool directory.
    pub fn open(dir: &Path) -> Result<Spool, SpoolError> {
        for d in [dir.to_path_buf(), dir.join("outbox"), dir.join("rejected")] {
            fs::create_dir_all(&d).map_err(io(&d))?;
        }
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io(dir))?;
        Ok(Spool {
            dir: dir.to_path_buf(),
        })
    }

    /// The stored credential, `None` before the first enrollment.
    pub fn credential(&self) -> Result<Option<Credential>, SpoolError> {
        let path = self.dir.join("credential.json");
        match fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| SpoolError::Corrupt {
                        path,
                        message: e.to_string(),
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// Stores the credential atomically, readable by the owner only.
    pub fn save_credential(&self, c: &Credential) -> Result<(), SpoolError> {
        let json = serde_json::to_vec_pretty(c).expect("a credential serialises");
        self.write_atomic(&self.dir.join("credential.json"), &json)
    }

    /// Puts a gzipped document in the outbox under the next sequence number.
    pub fn enqueue(&self, gzipped: &[u8]) -> Result<Pending, SpoolError> {
        let seq_path = self.dir.join("sequence");
        let last = match fs::read_to_string(&seq_path) {
            Ok(t) => t.trim().parse::<u64>().map_err(|e| SpoolError::Corrupt {
                path: seq_path.clone(),
                message: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(io(&seq_path)(e)),
        };
        let sequence = last + 1;
        // The number is spent before the file exists: a crash in between leaves a gap,
        // never two uploads with one number.
        self.write_atomic(&seq_path, sequence.to_string().as_bytes())?;
        let upload_id = uuid::Uuid::new_v4().to_string();
        let path = self
            .dir
            .join("outbox")
            .join(format!("{sequence:020}-{upload_id}.json.gz"));
        self.write_atomic(&path, gzipped)?;
        self.trim()?;
        Ok(Pending {
            sequence,
            upload_id,
            path,
        })
    }

    /// The outbox in sequence order; files that are not uploads are ignored.
    pub fn pending(&self) -> Result<Vec<Pending>, SpoolError> {
        let outbox = self.dir.join("outbox");
        let mut out: Vec<Pending> = fs::read_dir(&outbox)
            .map_err(io(&outbox))?
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let stem = name.strip_suffix(".json.gz")?;
                let (seq, id) = stem.split_once('-')?;
                Some(Pending {
                    sequence: seq.parse().ok()?,
                    upload_id: id.to_string(),
                    path: e.path(),
                })
            })
            .collect();
        out.sort_by_key(|p| p.sequence);
        Ok(out)
    }

    /// Delivered (or known to the server already): removed.
    pub fn done(&self, p: &Pending) -> Result<(), SpoolError> {
        fs::remove_file(&p.path).map_err(io(&p.path))
    }

    /// Refused for good by the server: kept apart for a person to look at.
    pub fn reject(&self, p: &Pending) -> Result<(), SpoolError> {
        let to = self
            .dir
            .join("rejected")
            .join(p.path.file_name().unwrap_or_default());
        fs::rename(&p.path, &to).map_err(io(&p.path))
    }

    fn trim(&self) -> Result<(), SpoolError> {
        let pending = self.pending()?;
        let excess = pending.len().saturating_sub(MAX_PENDING);
        for p in &pending[..excess] {
            tracing::warn!(
                sequence = p.sequence,
                "spool full: oldest undelivered report dropped"
            );
            self.done(p)?;
        }
        Ok(())
    }

    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<(), SpoolError> {
        let tmp = path.with_extension("tmp");
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io(&tmp))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(io(&tmp))?;
        fs::rename(&tmp, path).map_err(io(path))
    }
}
