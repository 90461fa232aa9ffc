//! Text metrics of the PDF standard fonts (Helvetica, Helvetica-Bold, Courier), so that
//! drawings lay text out the same in SVG (Helvetica/Arial share these widths) and in PDF,
//! and the WinAnsi encoding the PDF text is written in.

/// The three faces a report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
    Mono,
}

/// Advance widths (1/1000 em) of Helvetica for ASCII 32..=126, from its AFM file.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Advance widths of Helvetica-Bold for ASCII 32..=126.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0..?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P.._
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // `..o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p..~
];

/// The WinAnsi byte of a character, with the width to use for it; characters WinAnsi
/// cannot encode become `?` (the PDF text stays extractable, never garbage).
fn encode_char(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{2022}' => 0x95, // bullet
        '\u{2013}' => 0x96, // en dash
        '\u{2014}' => 0x97, // em dash
        '\u{2026}' => 0x85, // ellipsis
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '\u{00D7}' => 0xD7, // multiplication sign
        '\u{00B7}' => 0xB7, // middle dot
        '\u{00A0}' => b' ',
        '\t' | '\n' | '\r' => b' ',
        c if (c as u32) >= 0xA0 && (c as u32) <= 0xFF => c as u32 as u8,
        _ => b'?',
    }
}

/// `text` in WinAnsi bytes.
pub(crate) fn encode(text: &str) -> Vec<u8> {
    text.chars().map(encode_char).collect()
}

fn byte_width(face: Face, b: u8) -> u16 {
    match face {
        Face::Mono => 600,
        Face::Regular | Face::Bold => {
            let table = if face == Face::Bold {
                &HELVETICA_BOLD
            } else {
                &HELVETICA
            };
            match b {
                32..=126 => table[usize::from(b - 32)],
                0x95 => 350,
                0x96 => 556,
                0x97 | 0x85 => 1000,
                0x91..=0x94 => 333,
                _ => 556,
            }
        }
    }
}

/// The width of `text` at `size` points.
pub(crate) fn width(face: Face, size: f32, text: &str) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| u32::from(byte_width(face, encode_char(c))))
        .sum();
    units as f32 * size / 1000.0
}

/// Breaks `text` into lines no wider than `max` points: at spaces, and inside a word
/// only when the word alone is too wide (long ids, ARNs).
pub(crate) fn wrap(face: Face, size: f32, text: &str, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(face, size, &candidate) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line = break_word(face, size, word, max, &mut lines);
        }
        lines.push(line);
    }
    lines
}

/// Pushes full-width pieces of an over-long word and returns the remainder.
fn break_word(face: Face, size: f32, word: &str, max: f32, lines: &mut Vec<String>) -> String {
    let mut piece = String::new();
    for c in word.chars() {
        piece.push(c);
        if width(face, size, &piece) > max && piece.chars().count() > 1 {
            piece.pop();
            lines.push(std::mem::take(&mut piece));
            piece.push(c);
        }
    }
    piece
}

/// `text` cut to fit `max` points, with an ellipsis when it was cut.
pub(crate) fn fit(face: Face, size: f32, text: &str, max: f32) -> String {
    if width(face, size, text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if width(face, size, &out) + width(face, size, "\u{2026}") > max {
            out.pop();
            break;
        }
    }
    out.push('\u{2026}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_afm_tables() {
        assert_eq!(width(Face::Regular, 10.0, "W"), 9.44);
        assert_eq!(width(Face::Mono, 10.0, "abc"), 18.0);
        assert!(width(Face::Bold, 10.0, "abc") > width(Face::Regular, 10.0, "abc"));
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_over_long_words() {
        let lines = wrap(Face::Regular, 10.0, "aaa bbb ccc", 40.0);
        assert_eq!(lines, ["aaa bbb", "ccc"]);
        let long = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer";
        let lines = wrap(Face::Mono, 10.0, long, 60.0);
        assert!(lines.iter().all(|l| width(Face::Mono, 10.0, l) <= 60.0));
        assert_eq!(lines.concat(), long);
    }

    #[test]
    fn text_outside_winansi_becomes_a_question_mark() {
        assert_eq!(encode("a\u{2192}b \u{2013}"), b"a?b \x96");
        assert_eq!(
            fit(Face::Regular, 10.0, "abcdefghij", 30.0).chars().last(),
            Some('\u{2026}')
        );
    }
}
