//! Deterministic ids, addresses and random choices for the generator.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// SplitMix64: a cheap, well-mixed hash of a counter, for ids and per-item seeds.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Makes ids and per-item random generators for one region of one generated account.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids {
    salt: u64,
}

impl Ids {
    pub fn new(seed: u64, region: usize) -> Self {
        Ids {
            salt: mix(seed ^ mix(region as u64 + 1)),
        }
    }

    fn hash(&self, kind: &str, n: u64) -> u64 {
        let kind_hash = kind.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        });
        mix(self.salt ^ mix(kind_hash ^ mix(n)))
    }

    /// `prefix-0<16 hex digits>`, the shape of current EC2 ids (`sg-0a1b...`).
    pub fn id(&self, prefix: &str, n: u64) -> String {
        format!("{prefix}-0{:016x}", self.hash(prefix, n))
    }

    /// A hex suffix like the ones in ELB ARNs.
    pub fn hex16(&self, kind: &str, n: u64) -> String {
        format!("{:016x}", self.hash(kind, n))
    }

    /// A random generator for item `n` of `kind`, independent of generation order.
    pub fn rng(&self, kind: &str, n: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.hash(kind, n))
    }

    /// A plausible public IPv4 address for item `n`.
    pub fn public_ip(&self, kind: &str, n: u64) -> String {
        let h = self.hash(kind, n);
        let first = [3, 18, 34, 44, 52, 54, 100][(h % 7) as usize];
        format!(
            "{first}.{}.{}.{}",
            (h >> 8) as u8,
            (h >> 16) as u8,
            ((h >> 24) as u8).max(1)
        )
    }
}

/// Picks an index below `len`, skewed towards small indices (a few groups are shared by
/// many instances, most by few), as in real accounts.
pub(crate) fn skewed(rng: &mut impl Rng, len: usize) -> usize {
    let u: f64 = rng.gen();
    ((u * u * len as f64) as usize).min(len.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let ids = Ids::new(7, 0);
        assert_eq!(ids.id("sg", 1), Ids::new(7, 0).id("sg", 1));
        assert_ne!(ids.id("sg", 1), ids.id("sg", 2));
        assert_ne!(ids.id("sg", 1), Ids::new(7, 1).id("sg", 1));
        assert_eq!(ids.id("sg", 1).len(), "sg-0".len() + 16);
    }
}
