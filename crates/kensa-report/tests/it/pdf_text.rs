//! Text extraction with poppler's `pdftotext`: the proof that a PDF's text is real text.
use std::io::Write;
use std::process::{Command, Stdio};

/// The text of `pdf`, whitespace collapsed; `None` (with a visible notice) when
/// `pdftotext` is not installed and this is not CI, where scripts/test installs it.
pub fn extract(pdf: &[u8]) -> Option<String> {
    let child = Command::new("pdftotext")
        .args(["-q", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("NOTICE: pdftotext is not available ({e}); PDF text checks skipped (apt-get install poppler-utils)");
            return None;
        }
        Err(e) => panic!("pdftotext is required in CI (scripts/test installs poppler-utils): {e}"),
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    let data = pdf.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().expect("pdftotext runs");
    writer
        .join()
        .expect("writer thread")
        .expect("pdf written to pdftotext");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    Some(collapse(&String::from_utf8_lossy(&out.stdout)))
}

/// Whitespace runs as one space: a title wrapped over two lines still matches.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` holds `needle` once line breaks are ignored: a long id (an ARN) is
/// broken inside the word when it is wider than its column, which the text extractor
/// reads as a line break.
pub fn holds(text: &str, needle: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    squash(text).contains(&squash(needle))
}
