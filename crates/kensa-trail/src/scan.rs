//! A light JSON scanner: finds the bounds of values and the keys of objects without
//! building anything. It checks structure (balanced brackets, terminated strings) but
//! not every detail of JSON grammar; records that rules care about are parsed fully later.

use memchr::{memchr2, memchr3};

/// A structural problem at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub offset: usize,
    pub message: &'static str,
}

pub type ScanResult<T> = Result<T, ScanError>;

fn err<T>(offset: usize, message: &'static str) -> ScanResult<T> {
    Err(ScanError { offset, message })
}

/// Index of the first non-whitespace byte at or after `pos` (or `bytes.len()`).
pub fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\n' | b'\r' | b'\t') {
        pos += 1;
    }
    pos
}

/// `pos` is at an opening quote; returns the index just past the closing quote.
pub fn skip_string(bytes: &[u8], pos: usize) -> ScanResult<usize> {
    let mut i = pos + 1;
    loop {
        match memchr2(b'"', b'\\', &bytes[i.min(bytes.len())..]) {
            None => return err(pos, "unterminated string"),
            Some(k) => {
                let at = i + k;
                if bytes[at] == b'"' {
                    return Ok(at + 1);
                }
                i = at + 2; // skip the escaped byte
                if i > bytes.len() {
                    return err(pos, "unterminated string");
                }
            }
        }
    }
}

/// `pos` is at `{` or `[`; returns the index just past the matching close.
pub fn skip_container(bytes: &[u8], pos: usize) -> ScanResult<usize> {
    let (open, close) = if bytes[pos] == b'{' {
        (b'{', b'}')
    } else {
        (b'[', b']')
    };
    let mut depth = 0usize;
    let mut i = pos;
    loop {
        match memchr3(b'"', open, close, &bytes[i..]) {
            None => {
                return err(
                    pos,
                    if open == b'{' {
                        "unterminated object"
                    } else {
                        "unterminated array"
                    },
                )
            }
            Some(k) => {
                let at = i + k;
                match bytes[at] {
                    b'"' => i = skip_string(bytes, at)?,
                    c if c == open => {
                        depth += 1;
                        i = at + 1;
                    }
                    _ => {
                        depth -= 1;
                        i = at + 1;
                        if depth == 0 {
                            return Ok(i);
                        }
                    }
                }
            }
        }
    }
}

/// `pos` is at the first byte of a value; returns the index just past it.
pub fn skip_value(bytes: &[u8], pos: usize) -> ScanResult<usize> {
    match bytes.get(pos) {
        None => err(pos, "expected a value, found end of input"),
        Some(b'"') => skip_string(bytes, pos),
        Some(b'{') | Some(b'[') => skip_container(bytes, pos),
        Some(c) if c.is_ascii_alphanumeric() || *c == b'-' => {
            let mut i = pos;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || b"+-.".contains(&bytes[i]))
            {
                i += 1;
            }
            Ok(i)
        }
        Some(_) => err(pos, "expected a value"),
    }
}

/// The raw contents of a string value at `pos` (between quotes) if it has no escapes.
pub fn plain_string(bytes: &[u8], pos: usize) -> Option<&str> {
    if bytes.get(pos) != Some(&b'"') {
        return None;
    }
    let end = skip_string(bytes, pos).ok()?;
    let inner = &bytes[pos + 1..end - 1];
    if inner.contains(&b'\\') {
        return None;
    }
    std::str::from_utf8(inner).ok()
}

/// JSON text without insignificant whitespace; borrows when there is none.
pub fn minify(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let needs = {
        let mut in_str = false;
        let mut esc = false;
        bytes.iter().any(|&b| {
            if in_str {
                if esc {
                    esc = false;
                } else if b == b'\\' {
                    esc = true;
                } else if b == b'"' {
                    in_str = false;
                }
                false
            } else if b == b'"' {
                in_str = true;
                false
            } else {
                matches!(b, b' ' | b'\n' | b'\r' | b'\t')
            }
        })
    };
    if !needs {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_str = false;
    let mut esc = false;
    for ch in text.chars() {
        if in_str {
            if esc {
                esc = false;
            } else if ch == '\\' {
                esc = true;
            } else if ch == '"' {
                in_str = false;
            }
            out.push(ch);
        } else if ch == '"' {
            in_str = true;
            out.push(ch);
        } else if !matches!(ch, ' ' | '\n' | '\r' | '\t') {
            out.push(ch);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_nested_values_with_tricky_strings() {
        let s = br#"{"a":"x}\"{","b":[1,{"c":"]"}],"d":null} tail"#;
        let end = skip_value(s, 0).unwrap();
        assert_eq!(&s[end..], b" tail");
    }

    #[test]
    fn reports_unterminated() {
        assert!(skip_value(br#"{"a":"b"#, 0).is_err());
        assert_eq!(
            skip_value(br#"{"a":1"#, 0).unwrap_err().message,
            "unterminated object"
        );
    }

    #[test]
    fn minify_keeps_string_spaces() {
        assert_eq!(minify("{ \"a b\" : [ 1, 2 ] }"), "{\"a b\":[1,2]}");
        assert!(matches!(minify("{\"a\":1}"), std::borrow::Cow::Borrowed(_)));
    }
}
