//! Writing snapshot files: AWS CLI JSON (absent fields omitted, not `null`), 4-space
//! indent as the CLI prints, written to a temporary name and renamed into place.
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::AwsError;

/// Writes one region's files into `dir`; returns their paths relative to `root`.
pub(crate) fn write_region(
    root: &Path,
    dir: &Path,
    files: &BTreeMap<String, Value>,
) -> Result<Vec<String>, AwsError> {
    std::fs::create_dir_all(dir).map_err(|e| AwsError::io(dir, e))?;
    let mut written = Vec::new();
    for (name, value) in files {
        let path = dir.join(name);
        write_json(&path, value)?;
        written.push(relative(root, &path));
    }
    Ok(written)
}

/// Writes `value` as CLI-style JSON, dropping `null` members (the CLI omits absent fields).
pub(crate) fn write_json(path: &Path, value: &Value) -> Result<(), AwsError> {
    let mut value = value.clone();
    strip_nulls(&mut value);
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&value, &mut ser).map_err(|e| AwsError::Json {
        path: path.to_owned(),
        source: e,
    })?;
    buf.push(b'\n');
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| AwsError::io(parent, e))?;
    }
    let tmp = path.with_extension("json.tmp");
    let mut f = std::fs::File::create(&tmp).map_err(|e| AwsError::io(&tmp, e))?;
    f.write_all(&buf).map_err(|e| AwsError::io(&tmp, e))?;
    f.sync_all().map_err(|e| AwsError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| AwsError::io(path, e))?;
    Ok(())
}

pub(crate) fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, x| !x.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

fn relative(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_owned();
    rel.to_string_lossy().replace('\\', "/")
}
