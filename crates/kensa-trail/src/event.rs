//! A parsed CloudTrail record with lazy, borrowed access to its members.
//!
//! Only the top level is parsed up front (keys and the raw text of each value); nested
//! objects are parsed on demand when a field reaches into them.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// An object's members: key (escapes decoded) and the raw text of the value.
pub struct RawObject<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject<'de>, A::Error> {
                let mut members = Vec::with_capacity(24);
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    members.push((key.0, value));
                }
                Ok(RawObject(members))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> RawObject<'a> {
    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

/// Elements of a JSON array, raw.
pub struct RawArray<'a>(pub Vec<&'a RawValue>);

impl<'de> Deserialize<'de> for RawArray<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawArray<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawArray<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<&'de RawValue>()? {
                    items.push(v);
                }
                Ok(RawArray(items))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Members of a raw object value, or None if it is not an object.
pub fn object(raw: &RawValue) -> Option<RawObject<'_>> {
    if !raw.get().starts_with('{') {
        return None;
    }
    serde_json::from_str(raw.get()).ok()
}

/// Elements of a raw array value, or None if it is not an array.
pub fn array(raw: &RawValue) -> Option<RawArray<'_>> {
    if !raw.get().starts_with('[') {
        return None;
    }
    serde_json::from_str(raw.get()).ok()
}

/// A value as text: strings unquoted (escapes decoded), `null` as None, anything else as
/// compact JSON.
pub fn text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let s = raw.get();
    if s.starts_with('"') {
        let inner = &s[1..s.len() - 1];
        if !inner.contains('\\') {
            return Some(Cow::Borrowed(inner));
        }
        return serde_json::from_str::<String>(s).ok().map(Cow::Owned);
    }
    if s == "null" {
        return None;
    }
    Some(crate::scan::minify(s))
}

/// A whole CloudTrail record.
pub struct Event<'a> {
    pub raw: &'a str,
    top: RawObject<'a>,
}

impl<'a> Event<'a> {
    /// Parses the top level of a record; the whole text must be valid JSON.
    pub fn parse(raw: &'a str) -> Result<Self, serde_json::Error> {
        let top: RawObject<'a> = serde_json::from_str(raw)?;
        Ok(Event { raw, top })
    }

    pub fn top(&self, key: &str) -> Option<&'a RawValue> {
        self.top.get(key)
    }

    /// The value at a path of object keys.
    pub fn path(&self, path: &[&str]) -> Option<&'a RawValue> {
        let (first, rest) = path.split_first()?;
        let mut cur = self.top.get(first)?;
        for key in rest {
            cur = object(cur)?.get(key)?;
        }
        Some(cur)
    }

    pub fn path_text(&self, path: &[&str]) -> Option<Cow<'a, str>> {
        self.path(path).and_then(text)
    }

    pub fn top_text(&self, key: &str) -> Option<Cow<'a, str>> {
        self.top.get(key).and_then(text)
    }

    /// The value at a JSON pointer (RFC 6901) into the record.
    pub fn pointer(&self, pointer: &[String]) -> Option<&'a RawValue> {
        let (first, rest) = pointer.split_first()?;
        let mut cur = self.top.get(first)?;
        for seg in rest {
            cur = step(cur, seg)?;
        }
        Some(cur)
    }

    /// All values matching a pointer whose segments may be `*` (any array element or
    /// object member).
    pub fn pointer_all(&self, pointer: &[String], out: &mut Vec<&'a RawValue>) {
        let Some((first, rest)) = pointer.split_first() else {
            return;
        };
        if first == "*" {
            for (_, v) in &self.top.0 {
                collect(v, rest, out);
            }
        } else if let Some(v) = self.top.get(first) {
            collect(v, rest, out);
        }
    }
}

fn step<'a>(cur: &'a RawValue, seg: &str) -> Option<&'a RawValue> {
    match cur.get().as_bytes().first()? {
        b'{' => object(cur)?.get(seg),
        b'[' => {
            let idx: usize = seg.parse().ok()?;
            array(cur)?.0.get(idx).copied()
        }
        _ => None,
    }
}

fn collect<'a>(cur: &'a RawValue, rest: &[String], out: &mut Vec<&'a RawValue>) {
    let Some((seg, tail)) = rest.split_first() else {
        out.push(cur);
        return;
    };
    if seg != "*" {
        if let Some(next) = step(cur, seg) {
            collect(next, tail, out);
        }
        return;
    }
    match cur.get().as_bytes().first() {
        Some(b'{') => {
            if let Some(obj) = object(cur) {
                for (_, v) in obj.0 {
                    collect(v, tail, out);
                }
            }
        }
        Some(b'[') => {
            if let Some(arr) = array(cur) {
                for v in arr.0 {
                    collect(v, tail, out);
                }
            }
        }
        _ => {}
    }
}

/// Splits a JSON pointer (`/a/b~1c`) into unescaped segments.
pub fn split_pointer(pointer: &str) -> Result<Vec<String>, String> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("JSON pointer '{pointer}' must start with '/'"));
    };
    Ok(rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REC: &str = r#"{"eventName":"X","userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"userName":"r\u00e9le"}}},"a":[{"b":1},{"b":"two"}],"n":null,"t":true}"#;

    #[test]
    fn paths_and_pointers() {
        let ev = Event::parse(REC).unwrap();
        assert_eq!(ev.top_text("eventName").unwrap(), "X");
        let p = [
            "userIdentity",
            "sessionContext",
            "sessionIssuer",
            "userName",
        ];
        assert_eq!(ev.path_text(&p).unwrap(), "rÃ©le".replace("Ã©", "é"));
        let ptr = split_pointer("/a/1/b").unwrap();
        assert_eq!(text(ev.pointer(&ptr).unwrap()).unwrap(), "two");
        assert!(ev.top_text("n").is_none());
        assert_eq!(ev.top_text("t").unwrap(), "true");
        let mut all = vec![];
        ev.pointer_all(&split_pointer("/a/*/b").unwrap(), &mut all);
        let texts: Vec<_> = all.iter().map(|v| text(v).unwrap()).collect();
        assert_eq!(texts, ["1", "two"]);
    }

    #[test]
    fn broken_json_is_an_error() {
        assert!(Event::parse(r#"{"eventName":"X","a":}"#).is_err());
    }
}
