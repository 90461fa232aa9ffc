//! `kensa run start|list|show|cancel`: assessment runs (Inspector Classic's model).
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kensa_model::Severity;
use kensa_store::{Delivery, DeliveryStatus, Run};

use super::store_common::{Db, ListOutput, StoreArgs};
use kensa_assess::Input;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a template over a snapshot directory, the demo account, or (--live) a fresh
    /// collection; `--demo` alone runs the built-in `demo` template (the demo account's
    /// instances, network-reachability and config with fsbp), created on first use. States: CREATED, COLLECTING_DATA, DATA_COLLECTED, EVALUATING_RULES,
    /// then COMPLETED, COMPLETED_WITH_ERRORS, FAILED or CANCELED.
    Start(StartArgs),
    /// List runs, newest first.
    List {
        /// Only the runs of this template.
        #[arg(long)]
        template: Option<String>,
        #[command(flatten)]
        output: ListOutput,
    },
    /// Show a run: state history, snapshot, counts by severity.
    Show {
        id: i64,
        #[command(flatten)]
        output: ListOutput,
    },
    /// Cancel a run: the process running it stops at its next batch of findings; a run
    /// whose process is gone is marked CANCELED at once.
    Cancel { id: i64 },
}

#[derive(Debug, clap::Args)]
struct StartArgs {
    /// The template to run (kensa template list); with --demo, default: the built-in
    /// `demo` template.
    template: Option<String>,
    /// Snapshot directory (AWS CLI describe-* JSON).
    #[arg(long, value_name = "DIR", conflicts_with = "demo")]
    snapshot: Option<PathBuf>,
    /// The bundled demo account.
    #[arg(long)]
    demo: bool,
    #[cfg(feature = "aws")]
    #[command(flatten)]
    live: super::scan::LiveArgs,
    /// Exit with status 1 when the run saw a finding at or above this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
    #[command(flatten)]
    output: ListOutput,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.store)?;
    match args.command {
        Command::Start(a) => return start(&db, a),
        Command::List { template, output } => {
            let runs = db.call(db.store.runs(template.as_deref()))?;
            emit(&output, &runs)?;
        }
        Command::Show { id, output } => {
            let run = db.call(db.store.run(id))?;
            let notifications = db.call(db.store.run_deliveries(id))?;
            if output.format == super::store_common::ListFormat::Table {
                print_run(&run);
                print_notifications(&notifications);
            } else {
                // JSON carries the notifications; CSV is the run's one row.
                let shown = [RunShown {
                    run: &run,
                    notifications: &notifications,
                }];
                output.emit(RUN_HEADERS, &rows(std::slice::from_ref(&run)), &shown)?;
            }
        }
        Command::Cancel { id } => {
            if db.call(db.store.cancel_run(id))? {
                eprintln!("run {id} CANCELED");
            } else {
                eprintln!("run {id}: cancellation requested; it stops at its next batch");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn start(db: &Db, a: StartArgs) -> anyhow::Result<ExitCode> {
    #[cfg(feature = "aws")]
    let live = a.live.live;
    #[cfg(not(feature = "aws"))]
    let live = false;
    if !live && !a.demo && a.snapshot.is_none() {
        anyhow::bail!("give --snapshot DIR, --demo or --live");
    }
    let template = match (&a.template, a.demo) {
        (Some(name), _) => db.call(db.store.template(name))?,
        (None, true) => super::run_demo::template(db)?,
        (None, false) => anyhow::bail!(
            "name the template to run (kensa template list), or give --demo alone to run the built-in demo template"
        ),
    };
    // Keeps a temporary live snapshot until the run ends.
    #[cfg(feature = "aws")]
    let mut _guard: Option<Box<dyn std::any::Any + Send>> = None;
    #[cfg(feature = "aws")]
    let guard_slot = &mut _guard;
    let snapshot = a.snapshot.clone();
    #[cfg(feature = "aws")]
    let live_args = (a.live.aws.clone(), a.live.snapshot_out.clone());
    let load = async move {
        #[cfg(feature = "aws")]
        if live {
            // Collection runs its own runtime: keep it off this one's thread.
            let collected = tokio::task::spawn_blocking(move || {
                super::collect::live_snapshot(&live_args.0, live_args.1.as_deref())
            })
            .await
            .map_err(|e| format!("live collection stopped: {e}"))?
            .map_err(|e| format!("{e:#}"))?;
            let (guard, dir) = collected;
            *guard_slot = guard.map(|g| Box::new(g) as Box<dyn std::any::Any + Send>);
            return Ok(Input::Live(dir));
        }
        Ok(match snapshot {
            Some(dir) => Input::Directory(dir),
            None => Input::Demo,
        })
    };
    let notifier = super::notify_sinks::notifier();
    let run = db.call(kensa_assess::start_with(
        &db.store, &template, load, &notifier,
    ))?;
    if a.output.format == super::store_common::ListFormat::Table && a.output.output.is_none() {
        print_run(&run);
    } else {
        emit(&a.output, std::slice::from_ref(&run))?;
    }
    let worst = Severity::ALL.into_iter().find(|s| run.counts.get(*s) > 0);
    let failed = matches!((a.fail_on, worst), (Some(t), Some(w)) if w >= t);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn counts(run: &Run) -> String {
    Severity::ALL
        .iter()
        .map(|s| format!("{} {}", run.counts.get(*s), s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_run(run: &Run) {
    println!("run {}  template {}  {}", run.id, run.template, run.state);
    if let Some(reason) = &run.state_reason {
        println!("  reason: {reason}");
    }
    if let Some(s) = &run.snapshot {
        let at = s.location.as_deref().unwrap_or(&s.source);
        println!(
            "  snapshot: {at} (sha256 {}, {} instance(s), accounts {}, regions {})",
            &s.content_hash[..s.content_hash.len().min(16)],
            s.instances,
            s.accounts.join(","),
            s.regions.join(",")
        );
    }
    println!(
        "  findings: {} ({}); resolved by this run: {}",
        run.counts.total(),
        counts(run),
        run.resolved
    );
    for c in &run.states {
        match &c.message {
            Some(m) => println!("  {}  {}  {m}", c.at, c.state),
            None => println!("  {}  {}", c.at, c.state),
        }
    }
}

/// `run show -f json`: the run and the notifications it sent.
#[derive(serde::Serialize)]
struct RunShown<'a> {
    #[serde(flatten)]
    run: &'a Run,
    notifications: &'a [Delivery],
}

fn print_notifications(notifications: &[Delivery]) {
    if notifications.is_empty() {
        return;
    }
    let ok = notifications
        .iter()
        .filter(|d| d.status == DeliveryStatus::Success)
        .count();
    println!(
        "  notifications: {} sent, {} not delivered",
        ok,
        notifications.len() - ok
    );
    for d in notifications {
        let about = d
            .finding_id
            .as_deref()
            .map(|f| format!(" {f}"))
            .unwrap_or_default();
        let why = d
            .message
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        println!(
            "  {}  {}{about} -> {}  {} after {} attempt(s){why}",
            d.at,
            d.event.as_str(),
            d.destination,
            d.status,
            d.attempts
        );
    }
}

const RUN_HEADERS: &[&str] = &[
    "id",
    "template",
    "state",
    "created",
    "completed",
    "critical",
    "high",
    "medium",
    "low",
    "informational",
    "resolved",
];

fn rows(runs: &[Run]) -> Vec<Vec<String>> {
    runs.iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.template.clone(),
                r.state.to_string(),
                r.created_at.clone(),
                r.completed_at.clone().unwrap_or_default(),
                r.counts.critical.to_string(),
                r.counts.high.to_string(),
                r.counts.medium.to_string(),
                r.counts.low.to_string(),
                r.counts.informational.to_string(),
                r.resolved.to_string(),
            ]
        })
        .collect()
}

fn emit(output: &ListOutput, runs: &[Run]) -> anyhow::Result<()> {
    output.emit(RUN_HEADERS, &rows(runs), runs)
}
