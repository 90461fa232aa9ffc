//! Rendering findings as they come, for reports too large to hold: JSON and CSV write
//! each finding when it arrives and the counts at the end. The output is byte for byte
//! what [`crate::render`] writes for the same findings. Table, SARIF, ASFF, OCSF and HTML
//! need every finding first (column widths, rule lists, one document) and are rendered
//! from a [`Report`] instead.
use std::io::{self, Write};

use kensa_model::Finding;
use serde::Serialize;

use crate::report::{Report, Summary};
use crate::{Format, RenderError};

impl Format {
    /// Whether [`render_stream`] can write this format.
    pub fn streams(self) -> bool {
        matches!(self, Format::Json | Format::Csv)
    }
}

/// Renders `findings` in `format` as they come, then what `tail` holds besides findings
/// (warnings, completeness; its `findings` are ignored). Returns the summary written.
pub fn render_stream(
    format: Format,
    findings: &mut dyn Iterator<Item = Finding>,
    tail: &Report,
    out: &mut dyn Write,
) -> Result<Summary, RenderError> {
    let mut summary = tail.summary_without_findings();
    match format {
        Format::Json => json(findings, tail, &mut summary, out)?,
        Format::Csv => {
            let mut w = crate::csv_out::writer(out)?;
            for f in findings {
                summary.count(&f);
                crate::csv_out::write_row(&mut w, &f)?;
            }
            w.flush()?;
        }
        other => return Err(RenderError::Unsupported(other)),
    }
    Ok(summary)
}

/// `{"findings": [...], "warnings": [...], "summary": {...}}`, pretty-printed with the
/// layout `serde_json::to_writer_pretty` gives the whole document.
fn json(
    findings: &mut dyn Iterator<Item = Finding>,
    tail: &Report,
    summary: &mut Summary,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    out.write_all(b"{\n  \"findings\": [")?;
    let mut any = false;
    for f in findings {
        summary.count(&f);
        out.write_all(if any { b",\n    " } else { b"\n    " })?;
        pretty(
            &mut Indent {
                out: &mut *out,
                prefix: b"    ",
            },
            &f,
        )?;
        any = true;
    }
    out.write_all(if any {
        b"\n  ],\n  \"warnings\": "
    } else {
        b"],\n  \"warnings\": "
    })?;
    pretty(
        &mut Indent {
            out: &mut *out,
            prefix: b"  ",
        },
        &tail.warnings,
    )?;
    out.write_all(b",\n  \"summary\": ")?;
    pretty(
        &mut Indent {
            out: &mut *out,
            prefix: b"  ",
        },
        &*summary,
    )?;
    out.write_all(b"\n}\n")?;
    Ok(())
}

fn pretty<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<(), serde_json::Error> {
    serde_json::to_writer_pretty(out, value)
}

/// Indents every line after the first by `prefix`: a nested value pretty-printed on its
/// own comes out as it would inside the document (JSON strings hold no raw newline).
struct Indent<'a> {
    out: &'a mut dyn Write,
    prefix: &'static [u8],
}

impl Write for Indent<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.out.write_all(&rest[..=i])?;
            self.out.write_all(self.prefix)?;
            rest = &rest[i + 1..];
        }
        self.out.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
