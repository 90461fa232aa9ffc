//! `kensa rules list|show`: the documentation of every configuration control.
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use kensa_rules::{checks, find_check, find_rule, frameworks, rules, table_errors, Check, Rule};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Debug, clap::Subcommand)]
enum RulesCommand {
    /// List the controls: id, severity, title.
    List {
        /// Only this framework's controls (`kensa rules frameworks` lists them).
        #[arg(long)]
        framework: Option<String>,
        /// Print JSON (id, name, framework, control, title, severity, resource type).
        #[arg(long)]
        json: bool,
    },
    /// Print one control's documentation (by id such as `fsbp:EC2.19`, or control id), or
    /// one check's (by name such as `sg-ssh-open-to-world`).
    Show { id: String },
    /// List the checks: name, what a failing resource gets from `kensa remediate`, and the
    /// controls of each framework that map to it.
    Checks,
    /// List the built-in frameworks with their number of controls.
    Frameworks,
    /// Print the reference of every control as one Markdown document.
    Docs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    for e in table_errors() {
        eprintln!("warning: built-in framework table: {e}");
    }
    match args.command {
        RulesCommand::List { framework, json } => list(framework.as_deref(), json),
        RulesCommand::Show { id } => {
            if let Some(rule) = find_rule(&id) {
                return emit(&show(rule));
            }
            let Some(check) = find_check(&id) else {
                let same: Vec<&str> = rules()
                    .iter()
                    .filter(|r| r.control.eq_ignore_ascii_case(id.trim()))
                    .map(|r| r.id.as_str())
                    .collect();
                if !same.is_empty() {
                    bail!(
                        "`{id}` is a control of several frameworks; name one: {}",
                        same.join(", ")
                    );
                }
                bail!("unknown control or check `{id}` (see `kensa rules list` and `kensa rules checks`)");
            };
            emit(&show_check(check))
        }
        RulesCommand::Checks => emit(&list_checks()),
        RulesCommand::Frameworks => emit(&list_frameworks()),
        RulesCommand::Docs => emit(&docs()),
    }
}

fn list(framework: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let rules: Vec<&Rule> = rules()
        .iter()
        .filter(|r| framework.is_none_or(|f| r.framework.eq_ignore_ascii_case(f)))
        .collect();
    if rules.is_empty() {
        let known: Vec<&str> = frameworks().iter().map(|f| f.id.as_str()).collect();
        bail!(
            "no controls for framework `{}` ({})",
            framework.unwrap_or(""),
            known.join(", ")
        );
    }
    if json {
        let items: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "name": r.name(), "framework": r.framework, "control": r.control,
                    "title": r.title, "severity": r.severity, "resource_type": r.resource_type().asff_name(),
                })
            })
            .collect();
        return emit(&format!("{}\n", serde_json::to_string_pretty(&items)?));
    }
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for r in rules {
        let _ = writeln!(
            text,
            "{:width$}  {:13}  {}",
            r.id,
            r.severity.as_str(),
            r.title
        );
    }
    emit(&text)
}

/// Writes to stdout; a closed pipe (`kensa rules docs | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Every control's page in one Markdown document (the generated reference).
fn docs() -> String {
    let mut s = String::from("# kensa configuration controls\n\n");
    for f in frameworks() {
        let _ = writeln!(
            s,
            "- `{}`: {} ({} controls)",
            f.id,
            f.title,
            f.controls.len()
        );
    }
    for rule in rules() {
        let page = show(rule)
            .replace("\n## ", "\n### ")
            .replacen("# ", "## ", 1);
        let _ = write!(s, "\n{page}");
    }
    s
}

/// The documentation page of a rule, in Markdown.
fn show(r: &Rule) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}: {}\n", r.id, r.title);
    let _ = writeln!(s, "- check: `{}`", r.name());
    let _ = writeln!(s, "- framework: {} control {}", r.framework, r.control);
    let _ = writeln!(s, "- severity: {}", r.severity);
    let _ = writeln!(s, "- resource type: {}", r.resource_type().asff_name());
    if let Some(fix) = r.check.fix {
        let _ = writeln!(s, "- kensa remediate: {}", fix.describe());
    }
    if !r.related.is_empty() {
        let related: Vec<String> = r
            .related
            .iter()
            .map(|m| format!("{}:{}", m.framework, m.control))
            .collect();
        let _ = writeln!(s, "- related: {}", related.join(", "));
    }
    let _ = writeln!(s);
    for (heading, text) in [
        ("What it checks", r.summary()),
        ("Why it matters", r.rationale()),
        ("Remediation", r.remediation()),
    ] {
        let _ = writeln!(s, "## {heading}\n\n{text}\n");
    }
    if !r.param_specs().is_empty() {
        let _ = writeln!(s, "## Parameters\n");
        for p in r.param_specs() {
            let default = r
                .defaults
                .get(p.name)
                .map(|d| format!(" (default `{d}`)"))
                .unwrap_or_default();
            let _ = writeln!(s, "- `{}`{default}: {}", p.name, p.doc);
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "## References\n");
    for url in &r.references {
        let _ = writeln!(s, "- {url}");
    }
    s
}

/// One line per check: name, fix, and the controls mapped to it.
fn list_checks() -> String {
    let width = checks().iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut s = String::new();
    for c in checks() {
        let controls: Vec<&str> = rules()
            .iter()
            .filter(|r| r.check.name == c.name)
            .map(|r| r.id.as_str())
            .collect();
        let fix = if c.fix.is_some() { "fix" } else { "   " };
        let _ = writeln!(s, "{:width$}  {fix}  {}", c.name, controls.join(", "));
    }
    s
}

fn list_frameworks() -> String {
    let width = frameworks().iter().map(|f| f.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for f in frameworks() {
        let _ = writeln!(
            s,
            "{:width$}  {:3} controls  {}",
            f.id,
            f.controls.len(),
            f.title
        );
    }
    s
}

/// The documentation page of a check, with the controls that map to it.
fn show_check(c: &Check) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}: {}\n", c.name, c.title);
    let _ = writeln!(s, "- resource type: {}", c.resource_type);
    if let Some(fix) = c.fix {
        let _ = writeln!(s, "- kensa remediate: {}", fix.describe());
    }
    let controls: Vec<&str> = rules()
        .iter()
        .filter(|r| r.check.name == c.name)
        .map(|r| r.id.as_str())
        .collect();
    let _ = writeln!(s, "- controls: {}\n", controls.join(", "));
    for heading in ["What it checks", "Why it matters", "Remediation"] {
        let text = c.section(heading).unwrap_or_default();
        let _ = writeln!(s, "## {heading}\n\n{text}\n");
    }
    s
}
