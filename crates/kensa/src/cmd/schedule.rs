//! `kensa schedule set|list|delete`: a cron expression (UTC) on a template. `kensa
//! serve` (or a `--worker`) fires it; a run missed while nothing was running fires once.
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use kensa_store::Schedule;

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
    /// Set (or replace) a template's schedule. It counts from now: times already past
    /// do not fire.
    Set {
        /// The template (kensa template list).
        template: String,
        /// Five-field cron expression in UTC (minute hour day-of-month month
        /// day-of-week), e.g. "0 3 * * *" for 03:00 every day, or @hourly, @daily.
        #[arg(long)]
        cron: String,
        /// What the runs read: `demo`, `live` (collected from AWS by the workers) or a
        /// snapshot directory (the server running the run must allow it with
        /// --allow-input).
        #[arg(long, default_value = "demo", value_name = "demo|live|DIR")]
        input: String,
    },
    /// List schedules with their last and next fire times.
    List {
        #[command(flatten)]
        output: ListOutput,
    },
    /// Remove a template's schedule.
    Delete { template: String },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.store)?;
    match args.command {
        Command::Set {
            template,
            cron,
            input,
        } => {
            let input = queued_input(&input)?;
            let s = db.call(db.store.set_schedule(&template, &cron, &input, Some("cli")))?;
            eprintln!(
                "schedule of {template}: `{}`, next run at {}",
                s.cron,
                s.next_due_at.as_deref().unwrap_or("never")
            );
        }
        Command::List { output } => emit(&output, &db.call(db.store.schedules())?)?,
        Command::Delete { template } => {
            db.call(db.store.delete_schedule(&template))?;
            eprintln!("removed the schedule of template {template}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `demo`, `live`, or the directory made absolute (the server resolves it, not this
/// shell).
fn queued_input(input: &str) -> anyhow::Result<String> {
    if input == "demo" || input == "live" {
        return Ok(input.into());
    }
    let dir = Path::new(input);
    anyhow::ensure!(dir.is_dir(), "--input {input}: not a directory");
    Ok(dir
        .canonicalize()
        .with_context(|| format!("--input {input}"))?
        .display()
        .to_string())
}

fn emit(output: &ListOutput, schedules: &[Schedule]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = schedules
        .iter()
        .map(|s| {
            vec![
                s.template.clone(),
                s.cron.clone(),
                s.input.clone(),
                s.last_fire_at.clone().unwrap_or_default(),
                s.last_run_id.map(|r| r.to_string()).unwrap_or_default(),
                s.next_due_at.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output.emit(
        &[
            "template",
            "cron",
            "input",
            "last fire",
            "last run",
            "next due",
        ],
        &rows,
        schedules,
    )
}
