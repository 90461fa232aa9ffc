//! Output options shared by every command that reports findings.
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_model::{Completeness, Finding, FindingStatus, Severity, Warning, WarningLevel};
use kensa_report::{Format, RenderOptions, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format; table is coloured in a terminal, plain when piped.
    #[arg(long, short = 'f', default_value = "table", value_parser = format_parser())]
    pub format: Format,
    /// Report only findings at or above this severity
    /// (critical, high, medium, low, informational).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub min_severity: Option<Severity>,
    /// Exit with status 1 when any active (not suppressed) finding is at or above this
    /// severity, whatever --min-severity hides. For CI gates.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to colour the table: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

/// Every `Format::ALL` entry, listed by `--help`: a new format needs no CLI change.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Format::ALL.iter().map(|f| f.name()))
        .try_map(|name| name.parse::<Format>())
}

/// Every `StreamFormat::ALL` entry (text, json lines), for the streaming commands.
pub fn stream_format_parser(
) -> impl clap::builder::TypedValueParser<Value = kensa_report::stream::StreamFormat> {
    use clap::builder::TypedValueParser;
    use kensa_report::stream::StreamFormat;
    clap::builder::PossibleValuesParser::new(StreamFormat::ALL.iter().map(|f| f.name()))
        .try_map(|name| name.parse::<StreamFormat>())
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse::<Severity>()
}

/// `println!` for command output that returns the write error instead of panicking: a
/// closed pipe then ends the command quietly (exit 0), a full disk is an error (exit 2).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cmd::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that returns the write error (see [`outln!`]).
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cmd::output::write_stdout(format_args!($($arg)*))
    };
}

/// Writes to standard output and flushes, with the error in context.
pub fn write_stdout(args: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .context("cannot write standard output")
}

/// Options of the commands that read a snapshot (`scan`, `compliance`, `path`).
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Exit with status 0 (or 1 for --fail-on) even when the input was incomplete: files
    /// rejected, items skipped, resource types missing, nothing found. The report still
    /// says what was lacking.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Refuse snapshot files larger than this many bytes (decompressed size for .json.gz),
    /// reporting them as rejected input.
    #[arg(long, value_name = "BYTES", env = "KENSA_MAX_FILE_SIZE",
          default_value_t = kensa_model::load::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

impl InputArgs {
    /// How the loader is told about these options.
    pub fn load_options(&self) -> kensa_model::load::LoadOptions {
        kensa_model::load::LoadOptions {
            max_file_size: self.max_file_size,
        }
    }
}

/// Exit statuses, the same for every command (README "Exit codes").
pub mod exit {
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// Usage error or fatal error (unreadable snapshot directory, write error).
    pub const FATAL: u8 = 2;
    /// The input was incomplete (an error-level input problem) and `--allow-incomplete`
    /// was not given.
    pub const INCOMPLETE: u8 = 3;
}

/// The exit status of a report: findings at or above `--fail-on` (1) win over incomplete
/// input (3), which wins over success; incomplete input is also said on stderr.
pub fn exit_status(
    failed: bool,
    completeness: Option<&Completeness>,
    allow_incomplete: bool,
) -> ExitCode {
    let incomplete = completeness.filter(|c| !c.complete);
    if let Some(c) = incomplete {
        for problem in c.problems() {
            eprintln!("error: {}", escape_controls(&problem));
        }
        let hint = if allow_incomplete {
            "accepted with --allow-incomplete"
        } else {
            "exit status 3; --allow-incomplete accepts it"
        };
        eprintln!("error: {c}: the result may miss exposures ({hint})");
    }
    if failed {
        ExitCode::from(exit::FINDINGS)
    } else if incomplete.is_some() && !allow_incomplete {
        ExitCode::from(exit::INCOMPLETE)
    } else {
        ExitCode::SUCCESS
    }
}

/// `text` with control characters (escape sequences from file names, newlines) escaped,
/// so that input cannot rewrite the terminal or forge lines.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

impl OutputArgs {
    /// Renders `report` and returns the exit code `--fail-on` asks for.
    pub fn emit(&self, report: Report) -> anyhow::Result<ExitCode> {
        let failed = self.render(report)?;
        Ok(exit_status(failed, None, true))
    }

    /// Renders a report about a snapshot: exit 1 for `--fail-on`, 3 for incomplete input.
    pub fn emit_snapshot(&self, report: Report, input: &InputArgs) -> anyhow::Result<ExitCode> {
        let completeness = report.completeness.clone();
        let failed = self.render(report)?;
        Ok(exit_status(
            failed,
            completeness.as_ref(),
            input.allow_incomplete,
        ))
    }

    /// Renders a report about a snapshot whose findings arrive one at a time. JSON and
    /// CSV are written as the findings come, so none is held; the other formats need
    /// every finding first and collect them into `tail` (which holds the warnings and
    /// completeness). Exit codes as [`OutputArgs::emit_snapshot`].
    pub fn emit_snapshot_stream(
        &self,
        findings: impl Iterator<Item = Finding>,
        mut tail: Report,
        input: &InputArgs,
    ) -> anyhow::Result<ExitCode> {
        if !self.format.streams() {
            tail.findings.extend(findings);
            return self.emit_snapshot(tail, input);
        }
        let mut worst: Option<Severity> = None;
        let min = self.min_severity;
        let mut shown = findings
            .inspect(|f| {
                if f.status == FindingStatus::Active {
                    worst = worst.max(Some(f.severity));
                }
            })
            .filter(|f| min.is_none_or(|m| f.severity >= m));
        let mut out = self.writer()?;
        kensa_report::render_stream(self.format, &mut shown, &tail, &mut out)
            .map_err(|e| anyhow::Error::new(e).context(self.destination()))?;
        out.flush().with_context(|| self.destination())?;
        drop(shown);
        let failed = matches!((self.fail_on, worst), (Some(t), Some(w)) if w >= t);
        Ok(exit_status(
            failed,
            tail.completeness.as_ref(),
            input.allow_incomplete,
        ))
    }

    /// Whether `report` has an active finding at or above `--fail-on`.
    pub fn fails(&self, report: &Report) -> bool {
        match (self.fail_on, report.worst_active()) {
            (Some(threshold), Some(worst)) => worst >= threshold,
            _ => false,
        }
    }

    /// Renders `report`; true when `--fail-on` is met.
    fn render(&self, mut report: Report) -> anyhow::Result<bool> {
        let failed = self.fails(&report);
        if let Some(min) = self.min_severity {
            report.retain_min_severity(min);
        }
        self.print_table_warnings(&report);
        let options = RenderOptions {
            color: self.use_color(),
        };
        let mut out = self.writer()?;
        kensa_report::render(self.format, &report, options, &mut out)
            .map_err(|e| anyhow::Error::new(e).context(self.destination()))?;
        out.flush().with_context(|| self.destination())?;
        Ok(failed)
    }

    /// Where output goes: `--output FILE` or standard output, buffered.
    pub fn writer(&self) -> anyhow::Result<BufWriter<Box<dyn Write>>> {
        let sink: Box<dyn Write> = match &self.output {
            Some(path) => Box::new(
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
            ),
            None => Box::new(io::stdout().lock()),
        };
        Ok(BufWriter::new(sink))
    }

    /// "cannot write <file>" / "cannot write standard output", for write errors.
    pub fn destination(&self) -> String {
        match &self.output {
            Some(path) => format!("cannot write {}", path.display()),
            None => "cannot write standard output".to_string(),
        }
    }

    fn use_color(&self) -> bool {
        if self.format != Format::Table || self.output.is_some() {
            return false;
        }
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal()
            }
        }
    }

    /// Machine formats carry the warnings inside; for a table they go to stderr.
    fn print_table_warnings(&self, report: &Report) {
        if self.format != Format::Table {
            return;
        }
        print_warnings(&report.warnings);
    }
}

/// Input warnings on stderr: each once, with its level, file, JSON path and what was
/// done, control characters escaped; at most 20 (the JSON formats carry all of them).
pub fn print_warnings(warnings: &[Warning]) {
    const SHOWN: usize = 20;
    let mut shown = 0;
    let mut last: Option<&Warning> = None;
    // Errors (input that was dropped) first: they are what makes a result incomplete.
    let errors = warnings.iter().filter(|w| w.level == WarningLevel::Error);
    let others = warnings.iter().filter(|w| w.level != WarningLevel::Error);
    for w in errors.chain(others) {
        if last == Some(w) {
            continue;
        }
        last = Some(w);
        shown += 1;
        if shown <= SHOWN {
            eprintln!("{}", escape_controls(&w.to_string()));
        }
    }
    if shown > SHOWN {
        eprintln!(
            "... and {} more input warnings (all of them are in --format json)",
            shown - SHOWN
        );
    }
}
