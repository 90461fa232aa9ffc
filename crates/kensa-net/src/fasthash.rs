//! A fast, non-cryptographic hasher for the engine's lookup tables.
//!
//! The tables are keyed by resource ids, addresses and small integers taken from a
//! snapshot that is analysed once, offline; SipHash's resistance to chosen-key flooding
//! buys nothing there and cost a tenth of a whole-account run. This is the
//! multiply-rotate scheme of Firefox's and rustc's "Fx" hash, written for this crate.
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8-byte chunk")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    /// The multiply leaves the low bits depending on the low bits of the input only, and
    /// the hash table picks buckets by the low bits: ids that share their first bytes
    /// per word (`eni-0…`, `sg-0…`) would pile up in few buckets. Mix the high bits
    /// down (murmur3's finaliser step).
    #[inline]
    fn finish(&self) -> u64 {
        let h = self.hash;
        let h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

pub type FastBuild = BuildHasherDefault<FastHasher>;
pub type FastMap<K, V> = HashMap<K, V, FastBuild>;
pub type FastSet<K> = HashSet<K, FastBuild>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_equal_and_lookups_work() {
        let mut m: FastMap<&str, usize> = FastMap::default();
        for (i, k) in [
            "sg-1",
            "sg-10",
            "sg-100",
            "",
            "a-much-longer-key-than-eight-bytes",
        ]
        .iter()
        .enumerate()
        {
            m.insert(k, i);
        }
        assert_eq!(m.get("sg-10"), Some(&1));
        assert_eq!(m.get(""), Some(&3));
        assert_eq!(m.get("a-much-longer-key-than-eight-bytes"), Some(&4));
        assert_eq!(m.get("sg-1000"), None);
    }
}
