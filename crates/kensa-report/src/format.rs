use std::fmt;
use std::str::FromStr;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A table for people; coloured in a terminal.
    Table,
    /// `{"findings": [...], "warnings": [...], "summary": {...}}`.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// One finding a row.
    Csv,
    /// AWS Security Finding Format (Security Hub `BatchImportFindings`).
    Asff,
    /// OCSF 1.1 Detection Finding (2004) / Compliance Finding (2003) events.
    Ocsf,
    /// A self-contained HTML page.
    Html,
}

impl Format {
    /// Every format; the CLI's `-f` accepts each.
    pub const ALL: &'static [Format] = &[
        Format::Table,
        Format::Json,
        Format::Sarif,
        Format::Csv,
        Format::Asff,
        Format::Ocsf,
        Format::Html,
    ];

    /// Whether a compliance report (per-control results) renders in this format; the
    /// others carry findings only (`kensa compliance` then reports its findings).
    pub fn renders_compliance(self) -> bool {
        match self {
            Format::Table | Format::Json | Format::Csv | Format::Html => true,
            Format::Sarif | Format::Asff | Format::Ocsf => false,
        }
    }

    /// The name `-f` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
            Format::Asff => "asff",
            Format::Ocsf => "ocsf",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is none of [`Format::ALL`].
#[derive(Debug, thiserror::Error)]
#[error("unknown format `{0}` (expected one of: {names})", names = Format::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "))]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}
