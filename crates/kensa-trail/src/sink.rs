//! Where alerts go: Falco-like text lines or JSON lines on any writer. Other outputs
//! (webhook, SNS) implement [`AlertSink`] elsewhere.

use std::io::Write;

use crate::alert::Alert;

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("cannot write alert: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot encode alert: {0}")]
    Encode(#[from] serde_json::Error),
    /// Failures of other sinks (HTTP status, AWS error, ...).
    #[error("{0}")]
    Other(String),
}

pub trait AlertSink {
    fn emit(&mut self, alert: &Alert) -> Result<(), SinkError>;
    fn flush(&mut self) -> Result<(), SinkError>;
}

/// `<time>: <Priority> <output>` per alert, as Falco prints.
pub struct TextSink<W: Write> {
    out: W,
}

impl<W: Write> TextSink<W> {
    pub fn new(out: W) -> Self {
        TextSink { out }
    }
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> AlertSink for TextSink<W> {
    fn emit(&mut self, alert: &Alert) -> Result<(), SinkError> {
        writeln!(self.out, "{}", alert.text_line())?;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(self.out.flush()?)
    }
}

/// One JSON object per alert per line.
pub struct JsonLinesSink<W: Write> {
    out: W,
}

impl<W: Write> JsonLinesSink<W> {
    pub fn new(out: W) -> Self {
        JsonLinesSink { out }
    }
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> AlertSink for JsonLinesSink<W> {
    fn emit(&mut self, alert: &Alert) -> Result<(), SinkError> {
        serde_json::to_writer(&mut self.out, alert)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(self.out.flush()?)
    }
}
