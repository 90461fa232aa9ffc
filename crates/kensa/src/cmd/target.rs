//! `kensa target create|list|show|delete`: what runs look at.
use std::process::ExitCode;

use clap::Subcommand;
use kensa_store::{NewTarget, TagPair, Target};

use super::store_common::{Db, ListOutput, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a target: every instance of the given accounts and regions (none given:
    /// all the snapshot holds), or, with --tag, a resource group of 1-10 tag pairs
    /// (an instance with any of the pairs is in).
    Create {
        name: String,
        /// Account id (repeatable).
        #[arg(long = "account", value_name = "ID")]
        accounts: Vec<String>,
        /// Region (repeatable).
        #[arg(long = "region", value_name = "REGION")]
        regions: Vec<String>,
        /// Tag pair KEY=VALUE of the resource group (repeatable, at most 10).
        #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
        tags: Vec<TagPair>,
        #[command(flatten)]
        output: ListOutput,
    },
    /// List targets.
    List {
        #[command(flatten)]
        output: ListOutput,
    },
    /// Show one target.
    Show {
        name: String,
        #[command(flatten)]
        output: ListOutput,
    },
    /// Delete a target (refused while a template uses it).
    Delete { name: String },
}

fn parse_tag(s: &str) -> Result<TagPair, String> {
    s.parse()
        .map_err(|e: kensa_store::StoreError| e.to_string())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.store)?;
    match args.command {
        Command::Create {
            name,
            accounts,
            regions,
            tags,
            output,
        } => {
            let t = db.call(db.store.create_target(&NewTarget {
                name,
                accounts,
                regions,
                tags,
            }))?;
            emit(&output, &[t])?;
        }
        Command::List { output } => emit(&output, &db.call(db.store.targets())?)?,
        Command::Show { name, output } => emit(&output, &[db.call(db.store.target(&name))?])?,
        Command::Delete { name } => {
            db.call(db.store.delete_target(&name))?;
            eprintln!("deleted target {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn emit(output: &ListOutput, targets: &[Target]) -> anyhow::Result<()> {
    let all = |v: &[String]| {
        if v.is_empty() {
            "(all)".to_string()
        } else {
            v.join(", ")
        }
    };
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.name.clone(),
                all(&t.accounts),
                all(&t.regions),
                t.tags
                    .iter()
                    .map(|p| format!("{}={}", p.key, p.value))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.created_at.clone(),
            ]
        })
        .collect();
    output.emit(
        &["id", "name", "accounts", "regions", "tags (any)", "created"],
        &rows,
        targets,
    )
}
