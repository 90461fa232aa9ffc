//! JSON text columns (lists, maps, finding bodies): one encoder and one decoder.
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Result, StoreError};

pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain data (strings, maps, derived structs) cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

pub(crate) fn from_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Decode {
        what,
        message: e.to_string(),
    })
}
