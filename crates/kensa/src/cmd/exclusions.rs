//! `kensa exclusions list|preview`: what a run could not assess, and why.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kensa_store::{exclusions, Exclusion, RunScope};

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
    /// The exclusions of a run.
    List {
        #[arg(long)]
        run: i64,
        #[command(flatten)]
        output: ListOutput,
    },
    /// The exclusions a template would have on a snapshot, before running it:
    /// no instances in target, host data missing (cve), unsupported OS, input incomplete.
    Preview {
        #[arg(long)]
        template: String,
        /// Snapshot directory (default: the snapshot of the template's latest run).
        #[arg(long, value_name = "DIR", conflicts_with = "demo")]
        snapshot: Option<PathBuf>,
        /// The bundled demo account.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        output: ListOutput,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.store)?;
    match args.command {
        Command::List { run, output } => emit(&output, &db.call(db.store.exclusions(run))?)?,
        Command::Preview {
            template,
            snapshot,
            demo,
            output,
        } => {
            let template = db.call(db.store.template(&template))?;
            let target = db.call(db.store.target(&template.target))?;
            let dir = match (snapshot, demo) {
                (Some(d), _) => Some(d),
                (None, true) => None,
                (None, false) => Some(latest_snapshot(&db, &template.name)?),
            };
            let snap = super::scan::load(dir.as_ref(), dir.is_none())?;
            let scope = RunScope::of(&target, &snap);
            eprintln!(
                "target {} covers {} instance(s) of the snapshot",
                target.name,
                scope.instances.len()
            );
            emit(&output, &exclusions::preview(&template, &scope, &snap))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The directory of the template's newest run that recorded one.
fn latest_snapshot(db: &Db, template: &str) -> anyhow::Result<PathBuf> {
    for r in db.call(db.store.runs(Some(template)))? {
        let run = db.call(db.store.run(r.id))?;
        if let Some(dir) = run.snapshot.and_then(|s| s.location) {
            return Ok(PathBuf::from(dir));
        }
    }
    anyhow::bail!(
        "template {template} has no run over a snapshot directory; give --snapshot DIR or --demo"
    )
}

fn emit(output: &ListOutput, list: &[Exclusion]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|e| {
            let (scope, value) = match &e.scope {
                kensa_store::ExclusionScope::InstanceId(v) => ("INSTANCE_ID", v),
                kensa_store::ExclusionScope::Package(v) => ("PACKAGE", v),
                kensa_store::ExclusionScope::Target(v) => ("TARGET", v),
            };
            vec![
                e.kind.as_str().into(),
                format!("{scope}={value}"),
                e.title.clone(),
                e.description.clone(),
                e.recommendation.clone(),
            ]
        })
        .collect();
    output.emit(
        &["type", "scope", "title", "description", "recommendation"],
        &rows,
        list,
    )
}
