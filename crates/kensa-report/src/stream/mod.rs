//! Streamed output: records written one at a time as they are produced, to a writer as
//! text or JSON lines, or delivered to a webhook (SNS lives in kensa-aws, as a [`Sink`]
//! too). CloudTrail alerts and findings are both [`Record`]s, so every sink serves both
//! and a new streamed format is written once, here.
use std::io::Write;

mod webhook;

pub use webhook::{WebhookError, WebhookOptions, WebhookSink};

/// Something a sink can write: its JSON form (serde) and a one-line text form.
pub trait Record: serde::Serialize {
    /// The text line people read (`<time>: <Priority> <output>` for an alert).
    fn text_line(&self) -> String;
    /// A short subject for outputs that have one (SNS, e-mail): severity and rule.
    fn subject(&self) -> String;
}

/// Why a record could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The writer failed.
    #[error("cannot write alert: {0}")]
    Io(#[from] std::io::Error),
    /// The record could not be encoded as JSON.
    #[error("cannot encode alert: {0}")]
    Encode(#[from] serde_json::Error),
    /// Failures of other sinks (HTTP status, AWS error, ...).
    #[error("{0}")]
    Other(String),
}

/// Where records go. A sink that fails returns an error so that a live source keeps
/// the input for a later attempt (delivery is retried, never silently dropped).
pub trait Sink<R: Record + ?Sized> {
    /// Writes or delivers one record.
    fn emit(&mut self, record: &R) -> Result<(), SinkError>;
    /// Pushes out anything buffered.
    fn flush(&mut self) -> Result<(), SinkError>;
}

/// The streamed formats a writer can take (`-f` of the streaming commands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// [`Record::text_line`] per record.
    Text,
    /// One JSON object per record per line.
    JsonLines,
}

impl StreamFormat {
    /// Every streamed format; the CLI's `-f` of streaming commands accepts each.
    pub const ALL: &'static [StreamFormat] = &[StreamFormat::Text, StreamFormat::JsonLines];

    /// The name `-f` takes.
    pub fn name(self) -> &'static str {
        match self {
            StreamFormat::Text => "text",
            StreamFormat::JsonLines => "json",
        }
    }

    /// A sink writing `format` to `out`.
    pub fn sink<R, W>(self, out: W) -> Box<dyn Sink<R>>
    where
        R: Record + ?Sized,
        W: Write + 'static,
    {
        match self {
            StreamFormat::Text => Box::new(TextSink::new(out)),
            StreamFormat::JsonLines => Box::new(JsonLinesSink::new(out)),
        }
    }
}

impl std::fmt::Display for StreamFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for StreamFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StreamFormat::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = StreamFormat::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// [`Record::text_line`] per record.
pub struct TextSink<W: Write> {
    out: W,
}

impl<W: Write> TextSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        TextSink { out }
    }
    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<R: Record + ?Sized, W: Write> Sink<R> for TextSink<W> {
    fn emit(&mut self, record: &R) -> Result<(), SinkError> {
        writeln!(self.out, "{}", record.text_line())?;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(self.out.flush()?)
    }
}

/// One JSON object per record per line.
pub struct JsonLinesSink<W: Write> {
    out: W,
}

impl<W: Write> JsonLinesSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        JsonLinesSink { out }
    }
    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<R: Record + ?Sized, W: Write> Sink<R> for JsonLinesSink<W> {
    fn emit(&mut self, record: &R) -> Result<(), SinkError> {
        serde_json::to_writer(&mut self.out, record)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(self.out.flush()?)
    }
}

/// A finding as a streamed record: `<Severity> <rule> <resource>: <title>`.
impl Record for kensa_model::Finding {
    fn text_line(&self) -> String {
        format!(
            "{} {} {}: {}",
            self.severity.as_str(),
            self.rule_id,
            self.resource.id,
            self.title
        )
    }
    fn subject(&self) -> String {
        format!("{} {}", self.severity.as_str(), self.rule_id)
    }
}

#[cfg(test)]
mod tests;
