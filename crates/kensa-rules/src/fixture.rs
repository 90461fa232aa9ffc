//! Snapshot fragments for rule fixtures and single-file snapshots: AWS CLI JSON
//! documents in one file.
//!
//! A fragment is a JSON array of AWS CLI outputs (`{"SecurityGroups": [...]}`,
//! `{"EbsEncryptionByDefault": true}`, ...), each optionally with
//! `"_scope": {"account": ..., "region": ...}` (default `123456789012` / `us-east-1`), or
//! one such object. Each document goes through the snapshot loader of `kensa-model`
//! exactly as a file of a snapshot directory would; input the loader could not read at all
//! (level `error`) makes the fragment fail, naming the document and JSON path.
use kensa_model::load::Document;
use kensa_model::{Scope, Snapshot, WarningLevel};
use serde_json::Value;

use crate::error::RulesError;

/// Builds a snapshot from a fragment; `name` is used in error messages.
pub fn snapshot(name: &str, text: &str) -> Result<Snapshot, RulesError> {
    let err = |message: String| RulesError::Fixture {
        name: name.to_string(),
        message,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    let docs = match value {
        Value::Array(v) => v,
        v => vec![v],
    };
    let mut documents = Vec::with_capacity(docs.len());
    for (i, doc) in docs.into_iter().enumerate() {
        let Value::Object(mut map) = doc else {
            return Err(err(format!("document {i} is not an object")));
        };
        let scope: Scope = match map.remove("_scope") {
            Some(s) => {
                serde_json::from_value(s).map_err(|e| err(format!("document {i}: _scope: {e}")))?
            }
            None => Scope {
                account: "123456789012".into(),
                region: "us-east-1".into(),
            },
        };
        let json = serde_json::to_vec(&map).map_err(|e| err(e.to_string()))?;
        documents.push(Document::owned(format!("document {i}"), scope, json));
    }
    let snap = Snapshot::from_documents(documents);
    let errors: Vec<String> = snap
        .warnings
        .iter()
        .filter(|w| w.level == WarningLevel::Error)
        .map(|w| w.to_string())
        .collect();
    if errors.is_empty() {
        Ok(snap)
    } else {
        Err(err(errors.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_errors_name_the_key() {
        let e = snapshot("f", r#"[{}, {"Volumes": [{"Encrypted": true}]}]"#).unwrap_err();
        assert!(e.to_string().contains("document 1 at $.Volumes[0]"), "{e}");
        let e = snapshot("f", r#"[1]"#).unwrap_err();
        assert!(e.to_string().contains("not an object"), "{e}");
    }
}
