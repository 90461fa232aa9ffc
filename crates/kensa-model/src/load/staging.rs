//! Resources as they are read, before they go into the snapshot's `BTreeMap`s.
//!
//! Inserting 100,000 records with random ids one by one into a `BTreeMap` costs a
//! cache-missing tree walk of string compares each, and leaves the nodes (which hold the
//! 400–600-byte records inline) about a third empty. So each table is first read into a
//! vector with a hash index (for duplicates), then sorted once and built in bulk, which
//! packs the nodes full.
use std::any::Any;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use super::resource::Resource;
use crate::snapshot::Snapshot;

/// The hasher for the loader's own tables of ids and id hashes: rustc's Fx hash. SipHash
/// resists crafted collisions, which a snapshot (the user's own data) has no reason to
/// carry, and costs several times more per lookup; the loader makes millions of them.
pub(crate) type IdHash = rustc_hash::FxBuildHasher;

/// One table being read: records with their keys, in input order.
pub(crate) struct Staged<T> {
    items: Vec<(String, T)>,
    /// `id_key(id)` -> index in `items` of the first record with that key hash.
    by_hash: HashMap<u64, u32, IdHash>,
    /// Indexes of records whose id hash equals an earlier, different id's (64-bit hash
    /// collisions: never seen, but a duplicate check must not depend on their absence).
    collided: Vec<u32>,
}

impl<T> Default for Staged<T> {
    fn default() -> Self {
        Staged {
            items: Vec::new(),
            by_hash: HashMap::default(),
            collided: Vec::new(),
        }
    }
}

impl<T: Resource> Staged<T> {
    pub fn reserve(&mut self, additional: usize) {
        self.items.reserve(additional);
        self.by_hash.reserve(additional);
    }

    /// The record already read with this id, if any.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.get_mut_keyed(super::id_key(id), id)
    }

    fn get_mut_keyed(&mut self, key: u64, id: &str) -> Option<&mut T> {
        let first = *self.by_hash.get(&key)?;
        let found = std::iter::once(first)
            .chain(self.collided.iter().copied())
            .find(|&i| self.items[i as usize].0 == id)?;
        Some(&mut self.items[found as usize].1)
    }

    /// Adds a record whose id is not in the table yet ([`Staged::get_mut`] said so).
    pub fn push(&mut self, id: String, item: T) {
        self.push_keyed(super::id_key(&id), id, item);
    }

    fn push_keyed(&mut self, key: u64, id: String, item: T) {
        let index = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        match self.by_hash.entry(key) {
            Entry::Occupied(_) => self.collided.push(index),
            Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
        self.items.push((id, item));
    }

    /// The records in id order, as a map whose nodes are full.
    fn into_map(mut self) -> BTreeMap<String, T> {
        drop(std::mem::take(&mut self.by_hash));
        let items = &mut self.items;
        // Sort (leading 16 bytes, index) pairs, so that only ids that share their first
        // 16 bytes are compared in full: the records are scattered over the heap, and
        // chasing each id's pointer on every comparison cost more than the rest of this.
        let mut keyed: Vec<(u128, u32)> = (0..items.len())
            .map(|i| (leading_bytes(&items[i].0), i as u32))
            .collect();
        keyed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| items[a.1 as usize].0.cmp(&items[b.1 as usize].0))
        });
        let mut order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
        permute(items, &mut order);
        // Already sorted, so `from_iter`'s stable sort is one linear pass; it then builds
        // the tree bottom-up from the vector (in place, no second copy of the records).
        BTreeMap::from_iter(self.items)
    }
}

/// The first 16 bytes of `id`, zero-padded, as a number that sorts like the string.
fn leading_bytes(id: &str) -> u128 {
    let mut head = [0u8; 16];
    let n = id.len().min(16);
    head[..n].copy_from_slice(&id.as_bytes()[..n]);
    u128::from_be_bytes(head)
}

/// Reorders `items` so that `items[i]` becomes the old `items[order[i]]`, by following
/// the permutation's cycles (each record moves once; `order` is consumed).
fn permute<T>(items: &mut [T], order: &mut [u32]) {
    for start in 0..items.len() {
        if order[start] as usize == start {
            continue;
        }
        let mut hole = start;
        loop {
            let from = order[hole] as usize;
            order[hole] = hole as u32;
            if from == start {
                break;
            }
            items.swap(hole, from);
            hole = from;
        }
    }
}

/// A [`Staged`] table of some resource type, type-erased so the builder can hold one per
/// type without naming them all.
pub(crate) trait AnyStaged {
    fn as_any(&mut self) -> &mut dyn Any;
    /// Moves the records into their snapshot table.
    fn flush(self: Box<Self>, snapshot: &mut Snapshot);
}

impl<T: Resource> AnyStaged for Staged<T> {
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }

    fn flush(self: Box<Self>, snapshot: &mut Snapshot) {
        let built = self.into_map();
        let table = T::table(snapshot);
        if table.is_empty() {
            *table = built;
        } else {
            table.extend(built);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_bytes_sort_like_the_ids() {
        let mut ids = [
            "sg-2",
            "sg-10",
            "sg-1",
            "",
            "sg-",
            "i-0123456789abcdef1",
            "i-0123456789abcdef0",
            "i-0123456789abcdef",
            "Z",
            "a",
        ];
        let mut by_head = ids;
        by_head.sort_by_key(|id| (leading_bytes(id), *id));
        ids.sort();
        assert_eq!(by_head, ids);
    }

    #[test]
    fn id_hasher_tells_similar_ids_apart() {
        use std::hash::BuildHasher;
        let ids = [
            "sg-0a",
            "sg-0b",
            "sg-a0",
            "sg-0a0",
            "i-0123456789abcdef0",
            "i-0123456789abcdef1",
        ];
        let hashes: std::collections::BTreeSet<u64> = ids
            .iter()
            .map(|id| IdHash::default().hash_one(id))
            .collect();
        assert_eq!(hashes.len(), ids.len());
        let pair = |a: u64, b: u64| IdHash::default().hash_one((a, b));
        assert_ne!(pair(1, 2), pair(2, 1));
    }

    #[test]
    fn permute_applies_the_order() {
        let orders: [&[u32]; 5] = [&[], &[0], &[1, 0], &[2, 0, 1], &[3, 1, 4, 0, 2]];
        for order in orders {
            let mut items: Vec<u32> = (0..order.len() as u32).map(|i| i * 10).collect();
            let want: Vec<u32> = order.iter().map(|&i| i * 10).collect();
            permute(&mut items, &mut order.to_vec());
            assert_eq!(items, want, "{order:?}");
        }
    }

    #[test]
    fn colliding_hashes_still_find_the_right_record() {
        use crate::ec2::Vpc;
        let vpc = |id: &str| Vpc {
            vpc_id: id.to_string(),
            ..Vpc::default()
        };
        let mut staged = Staged::<Vpc>::default();
        // Two ids filed under one hash, as a 64-bit collision would.
        staged.push_keyed(7, "vpc-b".into(), vpc("vpc-b"));
        assert!(staged.get_mut_keyed(7, "vpc-a").is_none());
        staged.push_keyed(7, "vpc-a".into(), vpc("vpc-a"));
        for id in ["vpc-a", "vpc-b"] {
            let found = staged.get_mut_keyed(7, id).map(|v| v.vpc_id.clone());
            assert_eq!(found.as_deref(), Some(id));
        }
        assert!(staged.get_mut_keyed(8, "vpc-a").is_none());
        let map = staged.into_map();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["vpc-a", "vpc-b"]);
    }
}
