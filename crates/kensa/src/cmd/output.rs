//! Output options shared by every command that reports findings.
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_model::Severity;
use kensa_report::{Format, RenderOptions, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format: table (coloured in a terminal, plain when piped), json, sarif, csv.
    #[arg(long, short = 'f', default_value = "table", value_parser = parse_format)]
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

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse::<Format>().map_err(|e| e.to_string())
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse::<Severity>()
}

impl OutputArgs {
    /// Renders `report` and returns the exit code `--fail-on` asks for.
    pub fn emit(&self, mut report: Report) -> anyhow::Result<ExitCode> {
        let failed = match (self.fail_on, report.worst_active()) {
            (Some(threshold), Some(worst)) => worst >= threshold,
            _ => false,
        };
        if let Some(min) = self.min_severity {
            report.retain_min_severity(min);
        }
        self.print_warnings(&report);
        let options = RenderOptions {
            color: self.use_color(),
        };
        match &self.output {
            Some(path) => {
                let file = File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                let mut out = BufWriter::new(file);
                kensa_report::render(self.format, &report, options, &mut out)?;
                out.flush()
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            None => {
                let stdout = io::stdout();
                let mut out = BufWriter::new(stdout.lock());
                kensa_report::render(self.format, &report, options, &mut out)?;
                out.flush()?;
            }
        }
        Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
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
    fn print_warnings(&self, report: &Report) {
        if self.format != Format::Table {
            return;
        }
        const SHOWN: usize = 20;
        for w in report.warnings.iter().take(SHOWN) {
            eprintln!("warning: {w}");
        }
        if report.warnings.len() > SHOWN {
            eprintln!(
                "warning: ... and {} more (all of them are in --format json)",
                report.warnings.len() - SHOWN
            );
        }
    }
}
