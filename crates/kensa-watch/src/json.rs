//! Reading CloudTrail's request and response elements: EC2 records lists as
//! `{"items": [...]}` and most keys in lowerCamelCase, but some APIs (ModifySecurityGroupRules)
//! record PascalCase, so keys are matched without regard to case.
use serde_json::Value;

/// The member `key` of an object, the key's case ignored.
pub fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let obj = v.as_object()?;
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Follows a path of keys.
pub fn path<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |v, k| get(v, k))
}

/// A string member (numbers are accepted as their text: CloudTrail is not consistent).
pub fn text(v: &Value, key: &str) -> Option<String> {
    match get(v, key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer member, from a number or a numeric string.
pub fn int(v: &Value, key: &str) -> Option<i32> {
    match get(v, key)? {
        Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean member, from a boolean or `"true"`/`"false"`.
pub fn boolean(v: &Value, key: &str) -> Option<bool> {
    match get(v, key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The elements of a list member: `{"items": [...]}`, a plain array, or one object.
pub fn items<'a>(v: &'a Value, key: &str) -> Vec<&'a Value> {
    match get(v, key) {
        Some(x) => list(x),
        None => Vec::new(),
    }
}

/// The elements of a list value in any of CloudTrail's shapes.
pub fn list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => match get(v, "items") {
            Some(inner) => list(inner),
            None if v.as_object().is_some_and(|o| o.is_empty()) => Vec::new(),
            None => vec![v],
        },
        _ => Vec::new(),
    }
}
