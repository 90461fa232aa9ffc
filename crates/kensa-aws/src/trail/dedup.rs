//! A bounded, persistent window of already-handled ids, so that a CloudTrail event
//! delivered twice (SQS is at-least-once; S3 notifications and EventBridge rules can
//! overlap) alerts once.

use crate::trail::checkpoint::write_atomic;
use crate::trail::error::TrailSourceError;
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    capacity: usize,
    /// Oldest first.
    ids: Vec<String>,
}

/// The `capacity` most recent ids, oldest evicted first; saved atomically to `path`.
#[derive(Debug)]
pub struct SeenWindow {
    capacity: usize,
    order: VecDeque<String>,
    set: HashSet<String>,
    path: Option<PathBuf>,
}

impl SeenWindow {
    /// An in-memory window (nothing persisted).
    pub fn in_memory(capacity: usize) -> SeenWindow {
        SeenWindow {
            capacity: capacity.max(1),
            order: VecDeque::new(),
            set: HashSet::new(),
            path: None,
        }
    }

    /// Loads the window from `path` (missing file: empty window).
    pub fn load(path: &Path, capacity: usize) -> Result<SeenWindow, TrailSourceError> {
        let mut window = SeenWindow::in_memory(capacity);
        window.path = Some(path.to_path_buf());
        match std::fs::read(path) {
            Ok(bytes) => {
                let stored: Stored =
                    serde_json::from_slice(&bytes).map_err(|e| TrailSourceError::State {
                        path: path.to_path_buf(),
                        message: format!("not a kensa event-id window: {e}"),
                    })?;
                for id in stored.ids {
                    window.insert(id);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(TrailSourceError::State {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })
            }
        }
        Ok(window)
    }

    /// Whether `id` is in the window.
    pub fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }

    /// Adds `id`; returns false if it was already there.
    pub fn insert(&mut self, id: String) -> bool {
        if self.set.contains(&id) {
            return false;
        }
        if self.order.len() == self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        self.set.insert(id.clone());
        self.order.push_back(id);
        true
    }

    /// Ids in the window.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the window holds no id.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Persists the window (no-op for an in-memory window).
    pub fn save(&self) -> Result<(), TrailSourceError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let stored = Stored {
            version: 1,
            capacity: self.capacity,
            ids: self.order.iter().cloned().collect(),
        };
        let json = serde_json::to_vec(&stored).map_err(|e| TrailSourceError::State {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_atomic(path, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_oldest_beyond_capacity() {
        let mut w = SeenWindow::in_memory(3);
        for id in ["a", "b", "c"] {
            assert!(w.insert(id.into()));
        }
        assert!(!w.insert("b".into()));
        assert!(w.insert("d".into()));
        assert!(!w.contains("a") && w.contains("b") && w.contains("d"));
        assert_eq!(w.len(), 3);
    }

    #[test]
    fn persists_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seen.json");
        let mut w = SeenWindow::load(&path, 2).unwrap();
        assert!(w.is_empty());
        w.insert("e1".into());
        w.insert("e2".into());
        w.insert("e3".into());
        w.save().unwrap();
        let again = SeenWindow::load(&path, 2).unwrap();
        assert!(!again.contains("e1") && again.contains("e2") && again.contains("e3"));
        std::fs::write(&path, b"[]").unwrap();
        assert!(SeenWindow::load(&path, 2)
            .unwrap_err()
            .to_string()
            .contains("seen.json"));
    }
}
