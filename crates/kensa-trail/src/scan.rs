//! A light JSON scanner: finds the bounds of values and the keys of objects without
//! building anything. It checks structure (balanced brackets, terminated strings) but
//! not every detail of JSON grammar; records that rules care about are parsed fully later.

use memchr::memchr3;

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
#[inline]
pub fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\n' | b'\r' | b'\t') {
        pos += 1;
    }
    pos
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of the result is set where `word` has a byte equal to `b`
/// (exact for the lowest such byte, which is all that is used).
#[inline]
fn bytes_equal(word: u64, b: u8) -> u64 {
    let x = word ^ (LO * u64::from(b));
    x.wrapping_sub(LO) & !x & HI
}

/// The index of the first `"`, `{`, `}`, `[` or `]` at or after `pos` (or `bytes.len()`),
/// eight bytes at a time. Brackets are found together: `[`/`{` and `]`/`}` differ only in
/// bit 5 (0x20).
#[inline]
pub fn next_structural(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let folded = word | (LO * 0x20);
        let hits = bytes_equal(word, b'"') | bytes_equal(folded, b'{') | bytes_equal(folded, b'}');
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !matches!(bytes[i], b'"' | b'{' | b'}' | b'[' | b']') {
        i += 1;
    }
    i
}

/// `pos` is at an opening quote; returns the index just past the closing quote.
/// Strings in CloudTrail records are short, so eight bytes are checked at a time (SWAR)
/// rather than starting a SIMD search per string. Only quotes are searched; a quote
/// preceded by an odd number of backslashes is escaped (escapes are rare).
#[inline]
pub fn skip_string(bytes: &[u8], pos: usize) -> ScanResult<usize> {
    let mut i = pos + 1;
    loop {
        while let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            let hits = bytes_equal(word, b'"');
            if hits != 0 {
                i += (hits.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while i < bytes.len() && bytes[i] != b'"' {
            i += 1;
        }
        if i >= bytes.len() {
            return err(pos, "unterminated string");
        }
        let backslashes = bytes[pos + 1..i]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 0 {
            return Ok(i + 1);
        }
        i += 1;
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
    fn strings_with_escapes_at_every_offset() {
        for pad in 0..20 {
            let body = format!("{}\\\"x\\\\", "a".repeat(pad));
            let text = format!("\"{body}\" tail");
            let end = skip_string(text.as_bytes(), 0).unwrap();
            assert_eq!(&text[end..], " tail", "{pad}");
            assert!(skip_string(format!("\"{body}").as_bytes(), 0).is_err());
        }
    }

    proptest::proptest! {
        #[test]
        fn skip_string_agrees_with_serde(s in "[a-z\\\\\"{}\\[\\] \\n\\t\u{e9}]{0,40}") {
            let json = serde_json::to_string(&s).unwrap();
            let text = format!("{json},\"next\"");
            proptest::prop_assert_eq!(skip_string(text.as_bytes(), 0).unwrap(), json.len());
        }
    }

    #[test]
    fn finds_structural_bytes() {
        let text = b"abc:1,2 true null ";
        for (k, c) in [b'"', b'{', b'}', b'[', b']'].into_iter().enumerate() {
            for pad in 0..text.len() {
                let mut v = text[..pad].to_vec();
                v.push(c);
                v.extend_from_slice(b"xx");
                assert_eq!(next_structural(&v, 0), pad, "{k} {pad}");
            }
        }
        assert_eq!(next_structural(b"no structure here at all;;", 0), 26);
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
