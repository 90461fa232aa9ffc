//! YAML parsing with errors that name the file, the line and the key.
use serde::de::DeserializeOwned;

use crate::error::YamlError;

/// Parses `text`; a syntax or shape error names its line and the key it is at.
pub(crate) fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, YamlError> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line());
        let message = e.to_string();
        YamlError {
            file: file.to_string(),
            line,
            key: key_of(&message).unwrap_or_else(|| key_at_line(text, line)),
            message: strip_position(&message),
        }
    })
}

/// serde_yaml_ng prefixes errors with the path (`controls[1].parameters: ...`) and names
/// unknown fields in backquotes.
fn key_of(message: &str) -> Option<String> {
    let path = message
        .split_once(": ")
        .map(|(p, _)| p)
        .filter(|p| !p.contains(' '));
    let field = message
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(f, _)| f);
    match (path, field) {
        (Some(p), Some(f)) => Some(format!("{p}.{f}")),
        (None, Some(f)) => Some(f.to_string()),
        (Some(p), None) => Some(p.to_string()),
        (None, None) => None,
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The mapping key written on `line` (1-based), or empty.
fn key_at_line(text: &str, line: usize) -> String {
    text.lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.trim_start().trim_start_matches("- ").split_once(':'))
        .map(|(k, _)| k.trim().to_string())
        .unwrap_or_default()
}

/// The 1-based line of the `n`-th (0-based) item of the top-level list `list`, then of
/// `key:` inside that item; 0 when not found. Used for errors found after parsing
/// (unknown rule, bad parameter value), which serde cannot place.
pub(crate) fn locate(text: &str, list: &str, n: usize, key: Option<&str>) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.trim_end() == format!("{list}:") && !l.starts_with(' '))
    else {
        return 0;
    };
    let mut item = None;
    let mut seen = 0;
    let mut indent = None;
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = l.trim_start();
        if trimmed.starts_with("- ") || trimmed == "-" {
            let ind = l.len() - trimmed.len();
            if indent.is_none() {
                indent = Some(ind);
            }
            if Some(ind) == indent {
                if seen == n {
                    item = Some(i);
                    break;
                }
                seen += 1;
            }
        }
    }
    let Some(item) = item else { return 0 };
    let Some(key) = key else { return item + 1 };
    let item_indent = indent.unwrap_or(0);
    for (i, l) in lines.iter().enumerate().skip(item) {
        let trimmed = l.trim_start().trim_start_matches("- ");
        let ind = l.len() - l.trim_start().len();
        if i > item && ind <= item_indent && l.trim_start().starts_with('-') {
            break;
        }
        if trimmed.starts_with(&format!("{key}:")) {
            return i + 1;
        }
    }
    item + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_items_and_keys() {
        let text = "id: x\ncontrols:\n  - rule: a\n  - rule: b\n    parameters:\n      p: 1\n";
        assert_eq!(locate(text, "controls", 0, None), 3);
        assert_eq!(locate(text, "controls", 1, Some("rule")), 4);
        assert_eq!(locate(text, "controls", 1, Some("p")), 6);
        assert_eq!(locate(text, "controls", 2, None), 0);
    }
}
