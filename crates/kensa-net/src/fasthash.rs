//! The engine's lookup tables hash with rustc's Fx hash instead of SipHash.
//!
//! The tables are keyed by resource ids, addresses and small integers taken from a
//! snapshot that is analysed once, offline; SipHash's resistance to chosen-key flooding
//! buys nothing there and cost a tenth of a whole-account run.
use std::collections::{HashMap, HashSet};

pub type FastBuild = rustc_hash::FxBuildHasher;
pub type FastMap<K, V> = HashMap<K, V, FastBuild>;
pub type FastSet<K> = HashSet<K, FastBuild>;
