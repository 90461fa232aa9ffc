//! Splits a rules file into its top-level items, each with its first line, so that a
//! syntax error in one item costs only that item.

use serde_yaml_ng::Value;

/// One top-level item of a rules file.
pub struct Chunk<'t> {
    /// 1-based line where the item starts.
    pub line: usize,
    pub text: &'t str,
}

/// Top-level items start with `-` in column 0; anything before the first is preamble.
/// A file with no such line is one chunk.
pub fn chunks(text: &str) -> Vec<Chunk<'_>> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let b = line.as_bytes();
        if b.first() == Some(&b'-') && matches!(b.get(1), None | Some(b' ' | b'\n' | b'\r' | b'\t'))
        {
            starts.push((i + 1, offset));
        }
        offset += line.len();
    }
    if starts.is_empty() {
        return vec![Chunk { line: 1, text }];
    }
    let mut out = Vec::with_capacity(starts.len());
    for (k, &(line, start)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(text.len(), |s| s.1);
        out.push(Chunk {
            line,
            text: &text[start..end],
        });
    }
    out
}

/// The item's name for diagnostics when it cannot be parsed: from `- rule: NAME` etc.
pub fn guess_name(chunk: &str) -> Option<String> {
    for line in chunk.lines().take(4) {
        let l = line.trim_start_matches(['-', ' ']);
        for kind in ["rule", "macro", "list"] {
            if let Some(rest) = l.strip_prefix(kind).and_then(|r| r.strip_prefix(':')) {
                let name = rest.trim().trim_matches(['"', '\'']);
                if !name.is_empty() {
                    return Some(format!("{kind} '{name}'"));
                }
            }
        }
    }
    None
}

/// The 1-based line of `key:` inside a chunk (or the chunk's first line).
pub fn key_line(chunk: &Chunk<'_>, key: &str) -> usize {
    for (i, line) in chunk.text.lines().enumerate() {
        let l = line.trim_start_matches(['-', ' ']);
        if l.strip_prefix(key).is_some_and(|r| r.starts_with(':')) {
            return chunk.line + i;
        }
    }
    chunk.line
}

/// A scalar as text (strings, numbers, booleans).
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A sequence of scalars as texts; None if it is not one.
pub fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Sequence(items) => items.iter().map(scalar).collect(),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_items_with_lines() {
        let text = "# c\n- list: a\n  items: [x]\n\n- rule: B\n  condition: >\n    x\n";
        let c = chunks(text);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].line, c[1].line), (2, 5));
        assert_eq!(guess_name(c[1].text).unwrap(), "rule 'B'");
        assert_eq!(key_line(&c[1], "condition"), 6);
    }
}
