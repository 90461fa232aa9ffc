//! Deserialisation helpers that keep the loaded model small.
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

/// A `Vec` with no spare capacity. serde's own `Vec` impl starts at four slots when the
/// format gives no length (JSON never does), so a one-element list of a 400-byte struct
/// would keep 1.2 KB of nothing; at 100,000 instances that was a quarter of the snapshot.
/// Lists of one (the common case: one ENI, one group) are allocated exactly; longer ones
/// are shrunk once read.
pub(crate) fn vec<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_seq(ExactVec(PhantomData))
}

struct ExactVec<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ExactVec<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The same words as serde's `Vec` impl, so error messages do not change.
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let Some(first) = seq.next_element()? else {
            return Ok(Vec::new());
        };
        let Some(second) = seq.next_element()? else {
            return Ok(vec![first]);
        };
        let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(0).clamp(4, 64));
        all.push(first);
        all.push(second);
        while let Some(item) = seq.next_element()? {
            all.push(item);
        }
        all.shrink_to_fit();
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "vec")]
        items: Vec<u32>,
    }

    fn items(json: &str) -> Vec<u32> {
        serde_json::from_str::<Holder>(json).unwrap().items
    }

    #[test]
    fn lists_have_no_spare_capacity() {
        for (json, want) in [
            (r#"{}"#, vec![]),
            (r#"{"items":[]}"#, vec![]),
            (r#"{"items":[7]}"#, vec![7]),
            (r#"{"items":[1,2]}"#, vec![1, 2]),
            (r#"{"items":[1,2,3,4,5,6,7]}"#, vec![1, 2, 3, 4, 5, 6, 7]),
        ] {
            let got = items(json);
            assert_eq!(got, want, "{json}");
            assert_eq!(got.capacity(), want.len(), "{json}");
        }
    }

    #[test]
    fn errors_read_as_serde_vec_errors() {
        let ours = serde_json::from_str::<Holder>(r#"{"items":"x"}"#)
            .err()
            .unwrap();
        let theirs = serde_json::from_str::<Vec<u32>>(r#""x""#).err().unwrap();
        let strip =
            |e: &serde_json::Error| e.to_string().split(" at line").next().unwrap().to_string();
        assert_eq!(strip(&ours), strip(&theirs));
        let bad = serde_json::from_str::<Holder>(r#"{"items":[1,"x"]}"#)
            .err()
            .unwrap();
        assert!(
            bad.to_string()
                .starts_with("invalid type: string \"x\", expected u32"),
            "{bad}"
        );
    }
}
