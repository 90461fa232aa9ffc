//! `kensa rules list|show`: the documentation of every configuration control.
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use kensa_rules::rules::RULES;
use kensa_rules::{find_rule, Rule};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Debug, clap::Subcommand)]
enum RulesCommand {
    /// List the controls: id, severity, title.
    List {
        /// Only this framework's controls (fsbp, cis-aws-3.0, aws-config).
        #[arg(long)]
        framework: Option<String>,
        /// Print JSON (id, name, framework, control, title, severity, resource type).
        #[arg(long)]
        json: bool,
    },
    /// Print one control's documentation (by id such as `fsbp:EC2.19`, or control id).
    Show { id: String },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        RulesCommand::List { framework, json } => list(framework.as_deref(), json),
        RulesCommand::Show { id } => {
            let Some(rule) = find_rule(&id) else {
                bail!("unknown control `{id}` (see `kensa rules list`)");
            };
            print!("{}", show(rule));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list(framework: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let rules: Vec<&Rule> = RULES
        .iter()
        .filter(|r| framework.is_none_or(|f| r.framework.eq_ignore_ascii_case(f)))
        .collect();
    if rules.is_empty() {
        bail!(
            "no controls for framework `{}` (fsbp, cis-aws-3.0, aws-config)",
            framework.unwrap_or("")
        );
    }
    if json {
        let items: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "name": r.name, "framework": r.framework, "control": r.control,
                    "title": r.title, "severity": r.severity, "resource_type": r.resource_type,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(ExitCode::SUCCESS);
    }
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in rules {
        println!("{:width$}  {:13}  {}", r.id, r.severity.as_str(), r.title);
    }
    Ok(ExitCode::SUCCESS)
}

/// The documentation page of a rule, in Markdown.
fn show(r: &Rule) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}: {}\n", r.id, r.title);
    let _ = writeln!(s, "- name: `{}`", r.name);
    let _ = writeln!(s, "- framework: {} control {}", r.framework, r.control);
    let _ = writeln!(s, "- severity: {}", r.severity);
    let _ = writeln!(s, "- resource type: {}", r.resource_type);
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
    if !r.params.is_empty() {
        let _ = writeln!(s, "## Parameters\n");
        for p in r.params {
            let default = p
                .default
                .map(|d| format!(" (default `{d}`)"))
                .unwrap_or_default();
            let _ = writeln!(s, "- `{}`{default}: {}", p.name, p.doc);
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "## References\n");
    for url in r.references {
        let _ = writeln!(s, "- {url}");
    }
    s
}
