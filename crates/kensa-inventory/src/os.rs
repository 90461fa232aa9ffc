//! `/etc/os-release` (falling back to `/usr/lib/os-release`).
use std::path::Path;

use crate::error::{Location, Problem};
pub use kensa_telemetry::OsInfo;

/// Parses os-release text (shell-style `KEY=value`, optionally quoted).
pub fn parse(text: &str) -> OsInfo {
    let mut os = OsInfo::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
        match k.trim() {
            "ID" => os.id = v.to_ascii_lowercase(),
            "VERSION_ID" => os.version_id = v,
            "VERSION_CODENAME" => os.version_codename = v,
            "ID_LIKE" => os.id_like = v.split_whitespace().map(str::to_string).collect(),
            "PRETTY_NAME" => os.pretty_name = v,
            _ => {}
        }
    }
    os
}

/// Reads the os-release file under `root`.
pub fn read(root: &Path, problems: &mut Vec<Problem>) -> Option<OsInfo> {
    for p in ["etc/os-release", "usr/lib/os-release"] {
        let path = root.join(p);
        match std::fs::read_to_string(&path) {
            Ok(text) => return Some(parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => problems.push(Problem::new(
                Location::file(path.display().to_string()),
                e.to_string(),
            )),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amazon_linux_2023() {
        let os = parse("NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n");
        assert_eq!((os.id.as_str(), os.version_id.as_str()), ("amzn", "2023"));
        assert_eq!(os.id_like, ["fedora"]);
    }
}
