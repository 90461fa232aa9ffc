//! CloudTrail Lake query results (`aws cloudtrail get-query-results`): each row is a JSON
//! array of one-member objects, `[{"eventID":"..."},{"eventName":"..."},...]`, every
//! value a string. A row becomes an ordinary record: the members merged into one object,
//! nested values that Lake returns as JSON text (`userIdentity`, `requestParameters`,
//! ...) parsed back, and Lake's `eventTime` (`2023-07-10 11:42:36.000`, UTC) written as
//! CloudTrail writes it (`2023-07-10T11:42:36Z`).
use serde_json::{Map, Value};

/// The row as a CloudTrail record's JSON text, and its `eventName` if it has one.
pub fn row_to_record(raw: &[u8]) -> Result<(String, Option<String>), String> {
    let cells: Vec<Map<String, Value>> = serde_json::from_slice(raw)
        .map_err(|e| format!("not a CloudTrail Lake result row (array of objects): {e}"))?;
    let mut record = Map::new();
    for (key, value) in cells.into_iter().flatten() {
        let value = match value {
            Value::String(s) if key == "eventTime" => Value::String(lake_time(&s)),
            Value::String(s) if s.starts_with('{') || s.starts_with('[') => {
                serde_json::from_str(&s).unwrap_or(Value::String(s))
            }
            other => other,
        };
        record.insert(key, value);
    }
    let name = record
        .get("eventName")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok((Value::Object(record).to_string(), name))
}

/// `YYYY-MM-DD HH:MM:SS[.fff]` (Lake, UTC) as `YYYY-MM-DDTHH:MM:SS[.fff]Z`; any other
/// form is kept as it is.
fn lake_time(s: &str) -> String {
    let b = s.as_bytes();
    let zoneless = !s.ends_with('Z') && !s[s.len().min(19)..].contains(['+', '-']);
    if b.len() >= 19 && b[10] == b' ' && zoneless {
        let frac = s[19..].trim_end_matches('0').trim_end_matches('.');
        format!("{}T{}{frac}Z", &s[..10], &s[11..19])
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_records() {
        let row = br#"[{"eventName":"RunInstances"},{"eventTime":"2023-07-10 11:42:36.000"},{"userIdentity":"{\"type\":\"IAMUser\"}"},{"awsRegion":"us-east-1"}]"#;
        let (text, name) = row_to_record(row).unwrap();
        assert_eq!(name.as_deref(), Some("RunInstances"));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["eventTime"], "2023-07-10T11:42:36Z");
        assert_eq!(v["userIdentity"]["type"], "IAMUser");
        assert_eq!(
            lake_time("2023-07-10 11:42:36.250"),
            "2023-07-10T11:42:36.25Z"
        );
        assert_eq!(lake_time("2023-07-10T11:42:36Z"), "2023-07-10T11:42:36Z");
        assert!(row_to_record(b"[1,2]").is_err());
    }
}
