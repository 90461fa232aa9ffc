//! `kensa findings list|show|diff|mute`: stored findings across runs.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kensa_model::{Finding, FindingStatus, Severity};
use kensa_report::Report;
use kensa_store::{clock, DiffKind, FindingFilter, MuteRule, RunDiff, StoredFinding, TagPair};

use super::output::OutputArgs;
use super::store_common::{parse_pair, Db, ListFormat, ListOutput, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List stored findings, worst first, one page at a time (every finding format).
    List(ListArgs),
    /// Show one finding: all its fields, status and reason, every run that saw it.
    Show {
        id: String,
        #[command(flatten)]
        output: ListOutput,
    },
    /// What changed from run A to run B: new, resolved, changed severity, unchanged.
    Diff {
        run_a: i64,
        run_b: i64,
        /// Also list the unchanged findings.
        #[arg(long)]
        unchanged: bool,
        #[command(flatten)]
        output: ListOutput,
    },
    /// Mute rules (kensa-rules' mute list YAML) applied to stored findings.
    #[command(subcommand)]
    Mute(MuteCommand),
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Only findings this run saw.
    #[arg(long)]
    run: Option<i64>,
    /// Severity (repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = parse_severity)]
    severity: Vec<Severity>,
    /// Package: network-reachability, config, cve (repeatable or comma-separated).
    #[arg(long, value_delimiter = ',')]
    package: Vec<String>,
    /// Rule id or glob, e.g. 'EC2.*' (repeatable).
    #[arg(long)]
    rule: Vec<String>,
    /// Resource id or glob, e.g. 'sg-0*'.
    #[arg(long)]
    resource: Option<String>,
    /// Resource tag KEY=VALUE (repeatable; all must match).
    #[arg(long, value_parser = parse_tag)]
    tag: Vec<TagPair>,
    /// Status: active, resolved, suppressed (repeatable or comma-separated;
    /// default: active and suppressed).
    #[arg(long, value_delimiter = ',', value_parser = parse_status)]
    status: Vec<FindingStatus>,
    /// Attribute or user attribute KEY=VALUE (repeatable; all must match).
    #[arg(long, value_parser = parse_pair)]
    attribute: Vec<(String, String)>,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1)]
    page: i64,
    /// Findings per page.
    #[arg(long, default_value_t = 100)]
    page_size: i64,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Subcommand)]
enum MuteCommand {
    /// Add the rules of a mute list file and apply them to the stored findings.
    Import {
        file: PathBuf,
        /// Replace every stored rule instead of adding.
        #[arg(long)]
        replace: bool,
        /// The date expiries compare with (YYYY-MM-DD; default: today, UTC).
        #[arg(long)]
        date: Option<String>,
    },
    /// List the stored mute rules.
    List {
        #[command(flatten)]
        output: ListOutput,
    },
    /// Delete a mute rule and re-apply the others.
    Delete {
        id: i64,
        #[arg(long)]
        date: Option<String>,
    },
    /// Re-apply the rules (after an expiry date passed).
    Apply {
        #[arg(long)]
        date: Option<String>,
    },
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_tag(s: &str) -> Result<TagPair, String> {
    s.parse()
        .map_err(|e: kensa_store::StoreError| e.to_string())
}

fn parse_status(s: &str) -> Result<FindingStatus, String> {
    match s {
        "active" => Ok(FindingStatus::Active),
        "resolved" => Ok(FindingStatus::Resolved),
        "suppressed" => Ok(FindingStatus::Suppressed),
        other => Err(format!(
            "unknown status `{other}` (expected active, resolved or suppressed)"
        )),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.store)?;
    match args.command {
        Command::List(a) => list(&db, a),
        Command::Show { id, output } => {
            let f = db.call(db.store.finding(&id))?;
            show(&output, &f)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            run_a,
            run_b,
            unchanged,
            output,
        } => {
            let diff = db.call(db.store.diff_runs(run_a, run_b))?;
            emit_diff(&output, &diff, unchanged)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Mute(m) => mute(&db, m),
    }
}

fn list(db: &Db, a: ListArgs) -> anyhow::Result<ExitCode> {
    if a.page < 1 || a.page_size < 1 || a.page_size > 10_000 {
        anyhow::bail!("--page starts at 1 and --page-size is 1 to 10000");
    }
    let statuses = if a.status.is_empty() {
        vec![FindingStatus::Active, FindingStatus::Suppressed]
    } else {
        a.status
    };
    let filter = FindingFilter {
        run: a.run,
        severities: a.severity,
        min_severity: a.output.min_severity,
        packages: a.package,
        rules: a.rule,
        resource: a.resource,
        tags: a.tag,
        statuses,
        attributes: a.attribute,
        limit: a.page_size,
        offset: (a.page - 1) * a.page_size,
    };
    let total = db.call(db.store.count_findings(&filter))?;
    let page = db.call(db.store.findings(&filter))?;
    let pages = (total + a.page_size - 1) / a.page_size;
    eprintln!(
        "{total} finding(s) match; page {} of {}",
        a.page,
        pages.max(1)
    );
    let findings: Vec<Finding> = page.into_iter().map(with_user_attributes).collect();
    a.output.emit(Report::new(findings, Vec::new()))
}

/// Report formats know one attribute map: the template's user attributes join it
/// (prefixed `user:` so they never overwrite an analyser's attribute).
fn with_user_attributes(s: StoredFinding) -> Finding {
    let mut f = s.finding;
    for (k, v) in s.user_attributes {
        f.attributes.insert(format!("user:{k}"), v);
    }
    if let Some(r) = s.status_reason {
        f.attributes.insert("STATUS_REASON".into(), r);
    }
    f
}

fn show(output: &ListOutput, f: &StoredFinding) -> anyhow::Result<()> {
    if output.format != ListFormat::Table {
        let rows = vec![vec![
            f.finding.id.clone(),
            f.finding.severity.to_string(),
            f.finding.rule_id.clone(),
            f.finding.resource.id.clone(),
            status_text(f.finding.status).into(),
            f.finding.title.clone(),
        ]];
        return output.emit(
            &["id", "severity", "rule", "resource", "status", "title"],
            &rows,
            f,
        );
    }
    let g = &f.finding;
    println!("{}  {}  {}", g.id, g.severity, g.title);
    println!("  package: {}   rule: {}", g.package.as_str(), g.rule_id);
    println!(
        "  resource: {} {} ({} {})",
        g.resource.resource_type, g.resource.id, g.resource.account, g.resource.region
    );
    println!(
        "  status: {}{}",
        status_text(g.status),
        f.status_reason
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default()
    );
    println!(
        "  first seen: {} (run {})   last seen: {} (run {})",
        g.first_seen.as_deref().unwrap_or("-"),
        f.first_run,
        g.last_seen.as_deref().unwrap_or("-"),
        f.last_run
    );
    println!(
        "  runs: {}",
        f.runs
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "\n{}\n\nRecommendation: {}",
        g.description, g.recommendation
    );
    for (k, v) in &g.attributes {
        println!("  {k} = {v}");
    }
    for (k, v) in &f.user_attributes {
        println!("  user:{k} = {v}");
    }
    Ok(())
}

fn status_text(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Active => "active",
        FindingStatus::Resolved => "resolved",
        FindingStatus::Suppressed => "suppressed",
    }
}

fn emit_diff(output: &ListOutput, diff: &RunDiff, unchanged: bool) -> anyhow::Result<()> {
    eprintln!(
        "run {} -> run {}: {} new, {} resolved, {} changed severity, {} unchanged",
        diff.run_a,
        diff.run_b,
        diff.count(DiffKind::New),
        diff.count(DiffKind::Resolved),
        diff.count(DiffKind::ChangedSeverity),
        diff.count(DiffKind::Unchanged)
    );
    let shown: Vec<_> = diff
        .entries
        .iter()
        .filter(|e| unchanged || e.kind != DiffKind::Unchanged)
        .collect();
    let sev = |s: Option<Severity>| s.map(|s| s.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|e| {
            vec![
                e.kind.as_str().into(),
                e.id.clone(),
                e.package.clone(),
                e.rule_id.clone(),
                e.resource_id.clone(),
                sev(e.severity_a),
                sev(e.severity_b),
                e.title.clone(),
            ]
        })
        .collect();
    let json = RunDiff {
        entries: shown.into_iter().cloned().collect(),
        ..diff.clone()
    };
    output.emit(
        &[
            "change",
            "id",
            "package",
            "rule",
            "resource",
            "severity A",
            "severity B",
            "title",
        ],
        &rows,
        &json,
    )
}

fn mute(db: &Db, m: MuteCommand) -> anyhow::Result<ExitCode> {
    let today = |d: Option<String>| -> anyhow::Result<String> {
        let d = d.unwrap_or_else(clock::today);
        anyhow::ensure!(
            kensa_rules::mute::is_date(&d),
            "--date {d}: expected YYYY-MM-DD"
        );
        Ok(d)
    };
    let apply = |date: &str| -> anyhow::Result<()> {
        let o = db.call(db.store.apply_mutes(date))?;
        eprintln!(
            "{} finding(s) newly suppressed, {} active again, {} unchanged",
            o.suppressed, o.unsuppressed, o.unchanged
        );
        Ok(())
    };
    match m {
        MuteCommand::Import {
            file,
            replace,
            date,
        } => {
            let date = today(date)?;
            let list = kensa_rules::MuteList::load(&file)?;
            let n = db.call(
                db.store
                    .import_mutes(&list, &file.display().to_string(), replace),
            )?;
            eprintln!("{n} mute rule(s) imported from {}", file.display());
            apply(&date)?;
        }
        MuteCommand::List { output } => emit_mutes(&output, &db.call(db.store.mutes())?)?,
        MuteCommand::Delete { id, date } => {
            let date = today(date)?;
            db.call(db.store.delete_mute(id))?;
            apply(&date)?;
        }
        MuteCommand::Apply { date } => apply(&today(date)?)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn emit_mutes(output: &ListOutput, rules: &[MuteRule]) -> anyhow::Result<()> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let rows: Vec<Vec<String>> = rules
        .iter()
        .map(|r| {
            let tags = r
                .tags
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                r.id.to_string(),
                opt(&r.rule),
                opt(&r.resource),
                tags,
                opt(&r.account),
                opt(&r.region),
                r.reason.clone(),
                opt(&r.expires),
                r.source.clone(),
            ]
        })
        .collect();
    output.emit(
        &[
            "id", "rule", "resource", "tags", "account", "region", "reason", "expires", "source",
        ],
        &rows,
        rules,
    )
}
