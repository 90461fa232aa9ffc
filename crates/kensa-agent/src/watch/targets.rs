//! Which shell history files to watch: bash's and zsh's, in root's and every
//! /etc/passwd user's home directory.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File names of shell histories (bash; zsh's two customary names).
pub const HISTORY_FILES: [&str; 3] = [".bash_history", ".zsh_history", ".zhistory"];

/// A home directory to watch and the user it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    /// The directory.
    pub dir: PathBuf,
    /// Its user's name (the first passwd entry naming it).
    pub user: String,
}

/// Home directories from a passwd file that exist as directories, root's included,
/// each once. System accounts whose home is `/`, `/nonexistent` or missing are skipped:
/// there is no history to watch there.
pub fn homes(passwd: &Path) -> Vec<Home> {
    let text = std::fs::read_to_string(passwd).unwrap_or_default();
    let mut seen: BTreeMap<PathBuf, String> = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(':').collect();
        let (Some(user), Some(home)) = (f.first(), f.get(5)) else {
            continue;
        };
        let dir = PathBuf::from(home);
        if home.is_empty() || dir == Path::new("/") || !dir.is_dir() {
            continue;
        }
        seen.entry(dir).or_insert_with(|| user.to_string());
    }
    seen.into_iter()
        .map(|(dir, user)| Home { dir, user })
        .collect()
}

/// Whether a directory entry's name is a history file.
pub fn is_history(name: &std::ffi::OsStr) -> bool {
    HISTORY_FILES.iter().any(|h| name == *h)
}
