//! A network ACL rule's ports as AWS writes them (`"PortRange": {"From": 22, "To": 22}`),
//! read into the one [`PortRange`] at the serde boundary: a typed range, or an error
//! naming the bound at fault (`PortRange.To`) that the loader reports with the record's
//! path before skipping the record. Nothing downstream sees AWS's `i32` bounds.
//!
//! What the bounds mean:
//! * no `PortRange`, `null`, or neither bound: no range given, so every port (`None`);
//! * `-1` as either bound: every port (`0-65535`), as AWS writes all-port rules;
//! * `From` and `To` in 0-65535, `From <= To`: that range;
//! * a bound outside -1 to 65535, a range that ends before it starts, or one bound without
//!   the other (readers used to disagree on what `{"From": 22}` opens): an error.
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serializer};

use super::PortRange;

/// Why AWS's `From`/`To` pair is not a port range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AclPortsError {
    /// The bound at fault (`From` or `To`), or `""` for the pair as a whole.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The ports of a network ACL rule given AWS's bounds (`None`: every port; see the
/// module's rules). The collector and the change-event replay use it; the loader reads
/// the same rules through serde.
pub fn from_bounds(from: Option<i32>, to: Option<i32>) -> Result<Option<PortRange>, AclPortsError> {
    let at = |field: &'static str| move |message| AclPortsError { field, message };
    if let Some(f) = from {
        check_bound(f).map_err(at("From"))?;
    }
    if let Some(t) = to {
        check_bound(t).map_err(at("To"))?;
        check_order(from, t).map_err(at("To"))?;
    }
    range(from, to).map_err(at(""))
}

/// One bound: -1 (every port) or a port.
fn check_bound(value: i32) -> Result<(), String> {
    if (-1..=65_535).contains(&value) {
        Ok(())
    } else {
        Err(format!("port {value} is outside -1 to 65535"))
    }
}

/// `from` (when known and not -1) is not after `to`.
fn check_order(from: Option<i32>, to: i32) -> Result<(), String> {
    match from {
        Some(f) if f > to && to >= 0 => Err(format!("port range {f}-{to} ends before it starts")),
        _ => Ok(()),
    }
}

/// Two checked bounds as a range.
fn range(from: Option<i32>, to: Option<i32>) -> Result<Option<PortRange>, String> {
    let port = |v: i32| u16::try_from(v).unwrap_or(u16::MAX);
    match (from, to) {
        (None, None) => Ok(None),
        (Some(-1), _) | (_, Some(-1)) => Ok(Some(PortRange::all())),
        (Some(f), Some(t)) => Ok(Some(PortRange {
            from: port(f),
            to: port(t),
        })),
        (Some(f), None) => Err(format!(
            "the port range has From {f} but no To: the ports it matches are unknown"
        )),
        (None, Some(t)) => Err(format!(
            "the port range has To {t} but no From: the ports it matches are unknown"
        )),
    }
}

/// Writes `{"From": 22, "To": 22}` (or `null`), the shape it was read from.
pub(crate) fn serialize<S: Serializer>(r: &Option<PortRange>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        None => s.serialize_none(),
        Some(r) => {
            let mut st = s.serialize_struct("PortRange", 2)?;
            st.serialize_field("From", &i32::from(r.from))?;
            st.serialize_field("To", &i32::from(r.to))?;
            st.end()
        }
    }
}

/// Reads a `PortRange` field; each bound is checked as it is read, so an error carries
/// the path of the bound at fault (`Entries[0].PortRange.To`).
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PortRange>, D::Error> {
    d.deserialize_option(MaybeBounds)
}

struct MaybeBounds;

impl<'de> Visitor<'de> for MaybeBounds {
    type Value = Option<PortRange>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a port range ({\"From\": .., \"To\": ..}) or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(Bounds)
    }
}

struct Bounds;

/// A key of the object (`field_identifier`, so that the JSON path of an error names it).
#[derive(Deserialize)]
#[serde(field_identifier)]
enum Field {
    From,
    To,
    #[serde(other)]
    Other,
}

impl<'de> Visitor<'de> for Bounds {
    type Value = Option<PortRange>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a port range ({\"From\": .., \"To\": ..})")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut from, mut to) = (None, None);
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::From => {
                    from = map.next_value_seed(Bound {
                        other: to,
                        is_to: false,
                    })?
                }
                Field::To => {
                    to = map.next_value_seed(Bound {
                        other: from,
                        is_to: true,
                    })?
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        range(from, to).map_err(de::Error::custom)
    }
}

/// One bound, checked against the other when that one was read first.
struct Bound {
    other: Option<i32>,
    is_to: bool,
}

impl<'de> DeserializeSeed<'de> for Bound {
    type Value = Option<i32>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<i32>, D::Error> {
        let Some(value) = Option::<i32>::deserialize(d)? else {
            return Ok(None);
        };
        check_bound(value).map_err(de::Error::custom)?;
        let (from, to) = if self.is_to {
            (self.other, Some(value))
        } else {
            (Some(value), self.other)
        };
        if let Some(to) = to {
            check_order(from, to).map_err(de::Error::custom)?;
        }
        Ok(Some(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    struct Entry {
        #[serde(default, with = "super")]
        port_range: Option<PortRange>,
    }

    fn read(json: &str) -> Result<Option<PortRange>, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize::<_, Entry>(&mut de)
            .map(|e| e.port_range)
            .map_err(|e| format!("{}: {}", e.path(), e.inner()))
    }

    #[test]
    fn aws_shapes_read_as_typed_ranges() {
        let r = |from, to| Ok(Some(PortRange { from, to }));
        assert_eq!(read(r#"{}"#), Ok(None));
        assert_eq!(read(r#"{"PortRange":null}"#), Ok(None));
        assert_eq!(read(r#"{"PortRange":{}}"#), Ok(None));
        assert_eq!(read(r#"{"PortRange":{"From":22,"To":22}}"#), r(22, 22));
        assert_eq!(read(r#"{"PortRange":{"To":1023,"From":0}}"#), r(0, 1023));
        assert_eq!(read(r#"{"PortRange":{"From":-1,"To":-1}}"#), r(0, 65_535));
        assert_eq!(read(r#"{"PortRange":{"From":5,"To":-1}}"#), r(0, 65_535));
    }

    #[test]
    fn damaged_bounds_name_the_bound_at_fault() {
        let err = |json| read(json).unwrap_err();
        assert!(err(r#"{"PortRange":{"From":22,"To":70000}}"#)
            .starts_with("PortRange.To: port 70000 is outside -1 to 65535"));
        assert!(err(r#"{"PortRange":{"From":-5,"To":10}}"#).starts_with("PortRange.From: port -5"));
        assert!(err(r#"{"PortRange":{"From":90,"To":80}}"#)
            .starts_with("PortRange.To: port range 90-80 ends before it starts"));
        assert!(err(r#"{"PortRange":{"To":80,"From":90}}"#).starts_with("PortRange.From: "));
        assert!(err(r#"{"PortRange":{"From":22}}"#).contains("From 22 but no To"));
        assert!(err(r#"{"PortRange":{"From":"22","To":22}}"#).starts_with("PortRange.From: "));
        assert!(err(r#"{"PortRange":[22,22]}"#).starts_with("PortRange: "));
    }

    #[test]
    fn bounds_from_the_sdk_follow_the_same_rules() {
        assert_eq!(from_bounds(None, None), Ok(None));
        assert_eq!(
            from_bounds(Some(80), Some(443)),
            Ok(PortRange::new(80, 443))
        );
        assert_eq!(from_bounds(Some(-1), None), Ok(Some(PortRange::all())));
        assert_eq!(from_bounds(Some(0), Some(70_000)).unwrap_err().field, "To");
        assert_eq!(from_bounds(Some(90), Some(80)).unwrap_err().field, "To");
        assert_eq!(from_bounds(Some(90), None).unwrap_err().field, "");
    }

    #[test]
    fn ranges_write_back_in_the_shape_they_were_read() {
        for json in [
            r#"{"PortRange":{"From":0,"To":1023}}"#,
            r#"{"PortRange":null}"#,
        ] {
            let entry: Entry = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&entry).unwrap(), json);
        }
    }
}
