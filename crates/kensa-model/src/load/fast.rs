//! One pass over a well-formed document.
//!
//! The tolerant reader splits a document into raw items and parses each on its own, so
//! that a bad item can be reported and skipped: every byte is scanned twice (three times
//! for `describe-instances`, whose reservations are split again into instances). Nearly
//! every document is well-formed, so the loader first reads it in one pass, straight into
//! the resource types, and only when that fails anywhere goes back to the item-by-item
//! reader, which then finds and reports the bad items exactly as before.
use std::any::Any;
use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::parse::{Top, Val};
use super::resource::{visit_list, ListVisitor, Resource};
use crate::instance::Instance;

/// One reservation of `describe-instances`, read whole.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Reservation {
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::vec")]
    pub instances: Vec<Instance>,
}

/// The document's top-level object with the lists of the plain resource keys already
/// parsed (as [`Val::Typed`]); `None` when anything in it does not parse.
pub(crate) fn read_top(text: &str) -> Option<Top<'_>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopSeed.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(top)
}

struct TopSeed;

impl<'de> DeserializeSeed<'de> for TopSeed {
    type Value = Top<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Top<'de>, D::Error> {
        deserializer.deserialize_map(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut top = Top::default();
        while let Some(key) = map.next_key::<String>()? {
            let value = if key == "Reservations" {
                typed::<Reservation, _>(&mut map)?
            } else if let Some(list) =
                visit_list(&key, TypedList(&mut map, std::marker::PhantomData))
            {
                list?
            } else {
                map.next_value::<Val<'de>>()?
            };
            // A repeated key is kept apart, as in the item-by-item reader.
            top.insert(key, value);
        }
        Ok(top)
    }
}

/// A list of `T` with no spare capacity.
struct List<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::de::vec(deserializer).map(List)
    }
}

/// Reads the list of a key of the resource table, typed.
struct TypedList<'m, 'de, A>(&'m mut A, std::marker::PhantomData<&'de ()>);

impl<'de, A: MapAccess<'de>> ListVisitor for TypedList<'_, 'de, A> {
    type Out = Result<Val<'de>, A::Error>;
    fn visit<T: Resource>(self) -> Self::Out {
        typed::<T, A>(self.0)
    }
}

fn typed<'de, T, A>(map: &mut A) -> Result<Val<'de>, A::Error>
where
    T: Deserialize<'de> + 'static,
    A: MapAccess<'de>,
{
    let List(items) = map.next_value::<List<T>>()?;
    let boxed: Box<dyn Any> = Box::new(items);
    Ok(Val::Typed(Cell::new(Some(boxed))))
}

/// The list a [`Val::Typed`] holds, taken out of it (`None` for any other value).
pub(crate) fn take_list<T: 'static>(value: &Val<'_>) -> Option<Vec<T>> {
    match value {
        Val::Typed(cell) => cell.take()?.downcast::<Vec<T>>().ok().map(|list| *list),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::Vpc;

    #[test]
    fn plain_lists_are_read_typed_and_the_rest_raw() {
        let text = r#"{"Vpcs":[{"VpcId":"vpc-1"}],"NextToken":"t","Reservations":[{"OwnerId":"1","Instances":[{"InstanceId":"i-1"}]}]}"#;
        let top = read_top(text).unwrap();
        let vpcs = take_list::<Vpc>(&top["Vpcs"]).unwrap();
        assert_eq!(vpcs[0].vpc_id, "vpc-1");
        assert!(take_list::<Vpc>(&top["Vpcs"]).is_none(), "taken once");
        let res = take_list::<Reservation>(&top["Reservations"]).unwrap();
        assert_eq!(res[0].instances[0].instance_id, "i-1");
        assert_eq!(top["NextToken"].as_string().as_deref(), Some("t"));
    }

    #[test]
    fn any_bad_item_sends_the_document_to_the_tolerant_reader() {
        for text in [
            r#"{"Vpcs":[{"VpcId":"vpc-1"},{"VpcId":7}]}"#,
            r#"{"Vpcs":{"VpcId":"vpc-1"}}"#,
            r#"{"Reservations":[{"Instances":[{"InstanceType":"t3.micro"}]}]}"#,
            r#"{"Vpcs":[]} trailing"#,
            r#"[1,2]"#,
        ] {
            assert!(read_top(text).is_none(), "{text}");
        }
    }

    #[test]
    fn both_readers_load_the_same_snapshot() {
        use crate::load::{Builder, Document};
        use crate::snapshot::Scope;
        use crate::synth::{self, SynthParams};
        let files = synth::account(&SynthParams {
            instances: 300,
            regions: 2,
            ..SynthParams::default()
        });
        let load = |tolerant_only: bool| {
            let mut builder = Builder {
                tolerant_only,
                ..Builder::default()
            };
            for (name, json) in &files {
                builder.add_document(&Document::new(name.clone(), Scope::default(), json));
            }
            let snapshot = builder.finish();
            assert!(snapshot.instances.len() >= 300);
            serde_json::to_string(&snapshot).unwrap()
        };
        assert!(load(false) == load(true), "the two readers disagree");
    }
}
