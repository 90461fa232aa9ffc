//! `kensa template create|list|show|delete`: a target, packages, user attributes and
//! event subscriptions. Templates are immutable: create a new one to change anything.
use std::process::ExitCode;

use clap::Subcommand;
use kensa_store::{NewTemplate, Subscription, Template};

use super::store_common::{parse_pair, Db, ListOutput, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a template.
    Create {
        name: String,
        /// The target (kensa target list).
        #[arg(long)]
        target: String,
        /// Package to run (repeatable): network-reachability, config, cve.
        #[arg(long = "package", value_name = "PACKAGE", required = true)]
        packages: Vec<String>,
        /// Framework of the config package: fsbp (default), cis-aws-3.0, aws-config, or
        /// a custom framework YAML file.
        #[arg(long)]
        framework: Option<String>,
        /// User attribute KEY=VALUE added to every finding (repeatable, at most 10).
        #[arg(long = "attribute", value_name = "KEY=VALUE", value_parser = parse_pair)]
        attributes: Vec<(String, String)>,
        /// Event subscription EVENT=ENDPOINT (repeatable): ASSESSMENT_RUN_STARTED,
        /// ASSESSMENT_RUN_COMPLETED, ASSESSMENT_RUN_STATE_CHANGED, FINDING_REPORTED to an
        /// SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC), an http(s):// webhook (JSON
        /// shaped like Inspector Classic's messages) or slack+https://... (a
        /// Slack-compatible body). FINDING_REPORTED:SEVERITY=ENDPOINT sends only findings
        /// new in the run at or above SEVERITY. FINDING_REPORTED to a Security Hub ARN
        /// (arn:aws:securityhub:REGION:ACCOUNT:hub/default) imports the run's findings
        /// there in ASFF (new, updated, resolved ones archived). Delivery outcomes:
        /// `kensa run show`.
        #[arg(long = "subscribe", value_name = "EVENT=ENDPOINT", value_parser = parse_subscription)]
        subscriptions: Vec<Subscription>,
        #[command(flatten)]
        output: ListOutput,
    },
    /// List templates.
    List {
        #[command(flatten)]
        output: ListOutput,
    },
    /// Show one template.
    Show {
        name: String,
        #[command(flatten)]
        output: ListOutput,
    },
    /// Delete a template (refused while it has runs, unless --with-runs).
    Delete {
        name: String,
        /// Delete its runs too (the findings they reported stay).
        #[arg(long)]
        with_runs: bool,
    },
}

fn parse_subscription(s: &str) -> Result<Subscription, String> {
    s.parse()
        .map_err(|e: kensa_store::StoreError| e.to_string())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.store)?;
    match args.command {
        Command::Create {
            name,
            target,
            packages,
            framework,
            attributes,
            subscriptions,
            output,
        } => {
            let t = db.call(db.store.create_template(&NewTemplate {
                name,
                target,
                packages,
                framework,
                user_attributes: attributes,
                subscriptions,
            }))?;
            emit(&output, &[t])?;
        }
        Command::List { output } => emit(&output, &db.call(db.store.templates())?)?,
        Command::Show { name, output } => emit(&output, &[db.call(db.store.template(&name))?])?,
        Command::Delete { name, with_runs } => {
            db.call(db.store.delete_template(&name, with_runs))?;
            eprintln!("deleted template {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn emit(output: &ListOutput, templates: &[Template]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = templates
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.name.clone(),
                t.target.clone(),
                t.packages
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                t.framework.clone().unwrap_or_default(),
                t.user_attributes
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.subscriptions
                    .iter()
                    .map(|s| format!("{}={}", s.event.as_str(), s.endpoint))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.created_at.clone(),
            ]
        })
        .collect();
    output.emit(
        &[
            "id",
            "name",
            "target",
            "packages",
            "framework",
            "user attributes",
            "subscriptions",
            "created",
        ],
        &rows,
        templates,
    )
}
