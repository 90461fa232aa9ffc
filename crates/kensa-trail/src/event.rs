//! A parsed CloudTrail record with lazy, borrowed access to its members.
//!
//! Only the top level is parsed up front (keys and the raw text of each value), which also
//! validates the whole record; nested members are then found in place, on demand,
//! without parsing or allocating.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::scan::{skip_string, skip_value, skip_ws};

/// The JSON text of one value inside a record that [`Event::parse`] has validated.
pub type Raw<'a> = &'a str;

/// An object's members: key (escapes decoded) and the raw text of the value.
pub struct RawObject<'a>(pub Vec<(Cow<'a, str>, Raw<'a>)>);

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
                    members.push((key.0, value.get()));
                }
                Ok(RawObject(members))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> RawObject<'a> {
    pub fn get(&self, key: &str) -> Option<Raw<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// Keys that occur more than once, each once. Cheap when there are none (every real
    /// record): keys go through a 256-bit filter and are compared only on a filter hit.
    pub fn duplicated_keys(&self) -> Vec<&str> {
        let mut seen = [0u64; 4];
        let suspect = self.0.iter().any(|(k, _)| {
            let h = key_hash(k.as_bytes());
            let (word, bit) = (usize::from(h >> 6), h & 63);
            let hit = seen[word] >> bit & 1 == 1;
            seen[word] |= 1 << bit;
            hit
        });
        if !suspect {
            return Vec::new();
        }
        let mut out: Vec<&str> = Vec::new();
        for (i, (k, _)) in self.0.iter().enumerate() {
            if !out.contains(&k.as_ref()) && self.0[..i].iter().any(|(p, _)| p == k) {
                out.push(k.as_ref());
            }
        }
        out
    }
}

/// A hash of a key's length and first and last eight bytes, in 0..256.
fn key_hash(k: &[u8]) -> u8 {
    let n = k.len().min(8);
    let (mut head, mut tail) = ([0u8; 8], [0u8; 8]);
    head[..n].copy_from_slice(&k[..n]);
    tail[..n].copy_from_slice(&k[k.len() - n..]);
    let mixed =
        u64::from_le_bytes(head) ^ u64::from_le_bytes(tail).rotate_left(29) ^ k.len() as u64;
    (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8
}

/// Walks the members of a validated object or the elements of a validated array without
/// building anything: keys are compared in place, values skipped with the light scanner.
struct Walk<'a> {
    text: &'a str,
    pos: usize,
    close: u8,
}

impl<'a> Walk<'a> {
    fn new(raw: Raw<'a>, open: u8, close: u8) -> Option<Walk<'a>> {
        (raw.as_bytes().first() == Some(&open)).then_some(Walk {
            text: raw,
            pos: 1,
            close,
        })
    }

    /// The next item: for objects the raw key (between its quotes), and the value.
    fn next_item(&mut self, keyed: bool) -> Option<(&'a str, Raw<'a>)> {
        let bytes = self.text.as_bytes();
        let mut p = skip_ws(bytes, self.pos);
        if bytes.get(p) == Some(&b',') {
            p = skip_ws(bytes, p + 1);
        }
        if *bytes.get(p)? == self.close {
            return None;
        }
        let mut key = "";
        if keyed {
            let end = skip_string(bytes, p).ok()?;
            key = self.text.get(p + 1..end - 1)?;
            p = skip_ws(bytes, end);
            if bytes.get(p) != Some(&b':') {
                return None;
            }
            p = skip_ws(bytes, p + 1);
        }
        let end = match bytes.get(p)? {
            b'{' | b'[' => crate::blocks::skip_balanced(bytes, p)?,
            _ => skip_value(bytes, p).ok()?,
        };
        self.pos = end;
        Some((key, self.text.get(p..end)?))
    }
}

/// Whether a raw key (between quotes, escapes not decoded) names `key`.
fn key_is(raw: &str, key: &str) -> bool {
    if !raw.contains('\\') {
        return raw == key;
    }
    serde_json::from_str::<String>(&format!("\"{raw}\"")).is_ok_and(|k| k == key)
}

/// The value of member `key` of a raw object (the first one), or None if `raw` is not an
/// object or has no such member.
pub fn member<'a>(raw: Raw<'a>, key: &str) -> Option<Raw<'a>> {
    let mut walk = Walk::new(raw, b'{', b'}')?;
    while let Some((k, v)) = walk.next_item(true) {
        if key_is(k, key) {
            return Some(v);
        }
    }
    None
}

/// Element `index` of a raw array.
pub fn element(raw: Raw<'_>, index: usize) -> Option<Raw<'_>> {
    let mut walk = Walk::new(raw, b'[', b']')?;
    (0..index).try_for_each(|_| walk.next_item(false).map(|_| ()))?;
    walk.next_item(false).map(|(_, v)| v)
}

/// Members of a raw object value, or None if it is not an object.
pub fn object(raw: Raw<'_>) -> Option<RawObject<'_>> {
    let mut walk = Walk::new(raw, b'{', b'}')?;
    let mut members = Vec::new();
    while let Some((k, v)) = walk.next_item(true) {
        let key = if k.contains('\\') {
            Cow::Owned(serde_json::from_str::<String>(&format!("\"{k}\"")).ok()?)
        } else {
            Cow::Borrowed(k)
        };
        members.push((key, v));
    }
    Some(RawObject(members))
}

/// Elements of a raw array value, or None if it is not an array.
pub fn array(raw: Raw<'_>) -> Option<Vec<Raw<'_>>> {
    array_items(raw)
}

fn array_items(raw: Raw<'_>) -> Option<Vec<Raw<'_>>> {
    let mut walk = Walk::new(raw, b'[', b']')?;
    let mut items = Vec::new();
    while let Some((_, v)) = walk.next_item(false) {
        items.push(v);
    }
    Some(items)
}

/// A value as text: strings unquoted (escapes decoded), `null` as None, anything else as
/// compact JSON.
pub fn text(s: Raw<'_>) -> Option<Cow<'_, str>> {
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

/// The members (or, with empty keys, elements) of a nested value, listed on first access.
struct Index<'a> {
    /// Address and length of the value's text: which value this is.
    id: (usize, usize),
    items: RawObject<'a>,
}

/// A whole CloudTrail record.
pub struct Event<'a> {
    pub raw: &'a str,
    top: RawObject<'a>,
    /// Nested objects and arrays already walked. Rules and outputs reach into the same few
    /// (`userIdentity`, `requestParameters`, ...) many times per event.
    nested: RefCell<Vec<Index<'a>>>,
}

impl<'a> Event<'a> {
    /// Parses the top level of a record; the whole text must be valid JSON.
    pub fn parse(raw: &'a str) -> Result<Self, serde_json::Error> {
        let top: RawObject<'a> = serde_json::from_str(raw)?;
        Ok(Event {
            raw,
            top,
            nested: RefCell::new(Vec::new()),
        })
    }

    /// Top-level keys that occur more than once (see [`RawObject::duplicated_keys`]).
    pub fn duplicated_keys(&self) -> Vec<&str> {
        self.top.duplicated_keys()
    }

    /// How many times top-level `key` occurs.
    pub fn occurrences(&self, key: &str) -> usize {
        self.top.0.iter().filter(|(k, _)| k == key).count()
    }

    /// The record as a parser sees it that keeps occurrence `n` (0-based; the last one
    /// when there are fewer) of each of the duplicated top-level `keys`.
    pub fn with_occurrence(&self, keys: &[&str], n: usize) -> Event<'a> {
        let mut kept = Vec::with_capacity(self.top.0.len());
        for (i, (k, v)) in self.top.0.iter().enumerate() {
            if keys.contains(&k.as_ref()) {
                let before = self.top.0[..i].iter().filter(|(p, _)| p == k).count();
                let last = before + 1 == self.occurrences(k);
                if before != n && !(last && before < n) {
                    continue;
                }
            }
            kept.push((k.clone(), *v));
        }
        Event {
            raw: self.raw,
            top: RawObject(kept),
            nested: RefCell::new(Vec::new()),
        }
    }

    /// Member `key` of an object inside this event (indexed on first access).
    pub fn member(&self, obj: Raw<'a>, key: &str) -> Option<Raw<'a>> {
        if !obj.starts_with('{') {
            return None;
        }
        self.child(obj, key)
    }

    /// Member `key` of an object, or element `key` (a decimal index) of an array, inside
    /// this event.
    fn child(&self, cur: Raw<'a>, key: &str) -> Option<Raw<'a>> {
        let array = match cur.as_bytes().first()? {
            b'{' => false,
            b'[' => true,
            _ => return None,
        };
        let index = if array {
            Some(key.parse::<usize>().ok()?)
        } else {
            None
        };
        let id = (cur.as_ptr() as usize, cur.len());
        let mut nested = self.nested.borrow_mut();
        let at = match nested.iter().position(|n| n.id == id) {
            Some(at) => at,
            None => {
                let items = if array {
                    RawObject(
                        array_items(cur)?
                            .into_iter()
                            .map(|v| (Cow::Borrowed(""), v))
                            .collect(),
                    )
                } else {
                    object(cur)?
                };
                nested.push(Index { id, items });
                nested.len() - 1
            }
        };
        let items = &nested[at].items;
        match index {
            Some(i) => items.0.get(i).map(|(_, v)| *v),
            None => items.get(key),
        }
    }

    pub fn top(&self, key: &str) -> Option<Raw<'a>> {
        self.top.get(key)
    }

    /// The value at a path of object keys.
    pub fn path(&self, path: &[&str]) -> Option<Raw<'a>> {
        let (first, rest) = path.split_first()?;
        let mut cur = self.top.get(first)?;
        for key in rest {
            cur = self.child(cur, key)?;
        }
        Some(cur)
    }

    pub fn path_text(&self, path: &[&str]) -> Option<Cow<'a, str>> {
        self.path(path).and_then(text)
    }

    /// When the event happened: `eventTime`, or `@timestamp` where Logstash's
    /// CloudTrail codec moved it.
    pub fn time_text(&self) -> Option<Cow<'a, str>> {
        self.top_text("eventTime")
            .or_else(|| self.top_text("@timestamp"))
    }

    pub fn top_text(&self, key: &str) -> Option<Cow<'a, str>> {
        self.top.get(key).and_then(text)
    }

    /// The value at a JSON pointer (RFC 6901) into the record.
    pub fn pointer<S: AsRef<str>>(&self, pointer: &[S]) -> Option<Raw<'a>> {
        let (first, rest) = pointer.split_first()?;
        let mut cur = self.top.get(first.as_ref())?;
        for seg in rest {
            cur = self.child(cur, seg.as_ref())?;
        }
        Some(cur)
    }

    /// All values matching a pointer whose segments may be `*` (any array element or
    /// object member).
    pub fn pointer_all<S: AsRef<str>>(&self, pointer: &[S], out: &mut Vec<Raw<'a>>) {
        let Some((first, rest)) = pointer.split_first() else {
            return;
        };
        if first.as_ref() == "*" {
            for (_, v) in &self.top.0 {
                collect(v, rest, out);
            }
        } else if let Some(v) = self.top.get(first.as_ref()) {
            collect(v, rest, out);
        }
    }
}

fn step<'a>(cur: Raw<'a>, seg: &str) -> Option<Raw<'a>> {
    match cur.as_bytes().first()? {
        b'{' => member(cur, seg),
        b'[' => element(cur, seg.parse().ok()?),
        _ => None,
    }
}

fn collect<'a, S: AsRef<str>>(cur: Raw<'a>, rest: &[S], out: &mut Vec<Raw<'a>>) {
    let Some((seg, tail)) = rest.split_first() else {
        out.push(cur);
        return;
    };
    if seg.as_ref() != "*" {
        if let Some(next) = step(cur, seg.as_ref()) {
            collect(next, tail, out);
        }
        return;
    }
    match cur.as_bytes().first() {
        Some(b'{') => {
            if let Some(obj) = object(cur) {
                for (_, v) in obj.0 {
                    collect(v, tail, out);
                }
            }
        }
        Some(b'[') => {
            if let Some(arr) = array(cur) {
                for v in arr {
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

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| Value::from(f64::from(n) / 4.0)),
            "[a-c\"\\\\é {}\\[\\],:]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::btree_map("[a-c\"\\\\/~]{0,3}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Every path into a value, as pointer segments.
    fn paths(v: &serde_json::Value, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(prefix.clone());
        let children: Vec<(String, &serde_json::Value)> = match v {
            serde_json::Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => vec![],
        };
        for (seg, child) in children {
            let mut p = prefix.clone();
            p.push(seg);
            paths(child, p, out);
        }
    }

    proptest::proptest! {
        /// In-place member lookup agrees with a full serde_json parse, compact or pretty.
        #[test]
        fn lookups_agree_with_serde(v in json_value(), pretty in proptest::bool::ANY) {
            let doc = serde_json::json!({ "eventName": "X", "r": v });
            let text = if pretty {
                serde_json::to_string_pretty(&doc).unwrap()
            } else {
                serde_json::to_string(&doc).unwrap()
            };
            let ev = Event::parse(&text).unwrap();
            let mut all = vec![];
            paths(&doc["r"], vec!["r".to_string()], &mut all);
            for p in all {
                let want = p[1..].iter().try_fold(&doc["r"], |cur, seg| match cur {
                    serde_json::Value::Object(m) => m.get(seg),
                    serde_json::Value::Array(a) => a.get(seg.parse::<usize>().ok()?),
                    _ => None,
                });
                let got = ev.pointer(&p).map(|raw| serde_json::from_str::<serde_json::Value>(raw).unwrap());
                proptest::prop_assert_eq!(got.as_ref(), want, "{:?}", p);
                let mut missing = p.clone();
                missing.push("nope".into());
                proptest::prop_assert!(ev.pointer(&missing).is_none());
            }
        }
    }

    #[test]
    fn broken_json_is_an_error() {
        assert!(Event::parse(r#"{"eventName":"X","a":}"#).is_err());
    }
}
