//! `kensa db`: the local advisory database (import, update, info).
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use comfy_table::Table;
use kensa_vuln::feeds::Import;
use kensa_vuln::update::{self, Fetcher, Sources};
use kensa_vuln::{import_path, Database, FeedKind};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Import advisory feeds from files, directories or zip archives.
    Import(ImportArgs),
    /// Download the official feeds (or those at the given URLs) and import them.
    Update(UpdateArgs),
    /// Show what the database holds, per source, distro and release.
    Info(InfoArgs),
}

/// Where the advisory database lives.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArg {
    /// Advisory database file [default: $XDG_DATA_HOME/kensa/advisories.json.gz].
    #[arg(long = "db", value_name = "FILE", env = "KENSA_VULN_DB")]
    pub file: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self) -> PathBuf {
        if let Some(f) = &self.file {
            return f.clone();
        }
        let data = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."));
        data.join("kensa/advisories.json.gz")
    }
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Feed format: alas (updateinfo.xml[.gz] or ALAS JSON), debian (tracker checkout,
    /// data/CVE/list or tracker JSON), alpine (secdb JSON), osv (JSON, directory, zip).
    #[arg(value_parser = parse_kind)]
    pub feed: FeedKind,
    /// Files or directories to import.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Release the advisories apply to, when the feed does not say (e.g. 2023, v3.19).
    #[arg(long)]
    pub release: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
    /// Apply the import even if it empties or sharply shrinks (by more than 10%) the
    /// records of a distribution release already in the database.
    #[arg(long)]
    pub allow_shrink: bool,
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// Feeds to download, comma separated: alas, debian, alpine, osv.
    #[arg(long, value_delimiter = ',', default_value = "alas,debian,alpine")]
    pub feeds: Vec<String>,
    /// Amazon Linux repository or mirror.list URL for a release, as RELEASE=URL
    /// (repeatable; replaces the official list).
    #[arg(long, value_name = "RELEASE=URL")]
    pub alas_url: Vec<String>,
    /// Debian security tracker JSON (or data/CVE/list) URL.
    #[arg(long, value_name = "URL", default_value = update::DEBIAN_TRACKER_JSON)]
    pub debian_url: String,
    /// Alpine secdb index URL.
    #[arg(long, value_name = "URL", default_value = update::ALPINE_SECDB)]
    pub alpine_url: String,
    /// OSV bucket base URL (`<base>/<ecosystem>/all.zip`).
    #[arg(long, value_name = "URL", default_value = update::OSV_BASE)]
    pub osv_url: String,
    /// OSV ecosystems to download with `--feeds osv`.
    #[arg(long, value_delimiter = ',', default_value = "PyPI,npm,RubyGems,Maven")]
    pub osv_ecosystems: Vec<String>,
    #[command(flatten)]
    pub db: DbArg,
    /// Apply the import even if it empties or sharply shrinks (by more than 10%) the
    /// records of a distribution release already in the database.
    #[arg(long)]
    pub allow_shrink: bool,
}

#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn parse_kind(s: &str) -> Result<FeedKind, String> {
    s.parse()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        DbCommand::Import(a) => import(a),
        DbCommand::Update(a) => update_feeds(a),
        DbCommand::Info(a) => info(a),
    }
}

/// Applies an import to the database file and reports what happened on stderr.
fn apply(db: &DbArg, import: Import, allow_shrink: bool) -> anyhow::Result<ExitCode> {
    let path = db.path();
    let mut database = Database::load_or_default(&path)?;
    let refusals = kensa_vuln::feeds::guard::refusals(&database.records, &import);
    const SHOWN: usize = 20;
    for p in import.problems.iter().take(SHOWN) {
        eprintln!("warning: {p}");
    }
    if import.problems.len() > SHOWN {
        eprintln!(
            "warning: ... and {} more problems",
            import.problems.len() - SHOWN
        );
    }
    let (records, advisories, problems) = (
        import.records.len(),
        import.advisories,
        import.problems.len(),
    );
    if !refusals.is_empty() {
        for r in &refusals {
            eprintln!("error: {r}");
        }
        if !allow_shrink {
            anyhow::bail!(
                "import refused, {} left unchanged (use --allow-shrink to apply it anyway)",
                path.display()
            );
        }
        eprintln!("warning: applied anyway (--allow-shrink)");
    }
    database.apply(import);
    database
        .save(&path)
        .with_context(|| format!("saving {}", path.display()))?;
    eprintln!(
        "imported {records} records from {advisories} advisories ({problems} items skipped) into {} ({} records in total)",
        path.display(),
        database.records.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    let mut all = Import::default();
    for p in &a.paths {
        all.extend(import_path(a.feed, p, a.release.as_deref())?);
    }
    apply(&a.db, all, a.allow_shrink)
}

fn update_feeds(a: UpdateArgs) -> anyhow::Result<ExitCode> {
    let wants = |f: &str| a.feeds.iter().any(|x| x.trim() == f);
    for f in &a.feeds {
        if !matches!(f.trim(), "alas" | "debian" | "alpine" | "osv") {
            anyhow::bail!("unknown feed `{f}` (expected alas, debian, alpine or osv)");
        }
    }
    let amazon = if !wants("alas") {
        Vec::new()
    } else if a.alas_url.is_empty() {
        Sources::official().amazon
    } else {
        a.alas_url
            .iter()
            .map(|s| {
                s.split_once('=')
                    .map(|(r, u)| (r.to_string(), u.to_string()))
                    .with_context(|| format!("--alas-url `{s}`: expected RELEASE=URL"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let sources = Sources {
        amazon,
        debian: wants("debian").then(|| a.debian_url.clone()),
        alpine: wants("alpine").then(|| a.alpine_url.clone()),
        osv: wants("osv").then(|| (a.osv_url.clone(), a.osv_ecosystems.clone())),
    };
    let import = update::update(&sources, &Fetcher::default());
    if import.records.is_empty() && !import.problems.is_empty() {
        for p in &import.problems {
            eprintln!("error: {p}");
        }
        anyhow::bail!("no feed could be downloaded");
    }
    apply(&a.db, import, a.allow_shrink)
}

fn info(a: InfoArgs) -> anyhow::Result<ExitCode> {
    let path = a.db.path();
    let db = Database::load(&path)?;
    let summary = db.summary();
    if a.json {
        let doc = serde_json::json!({
            "path": path.display().to_string(),
            "format": db.format,
            "version": db.version,
            "records": db.records.len(),
            "groups": summary,
        });
        crate::outln!("{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::outln!(
        "{} (format {} v{}), {} records",
        path.display(),
        db.format,
        db.version,
        db.records.len()
    )?;
    let mut table = Table::new();
    table.set_header([
        "source",
        "distro",
        "release",
        "advisories",
        "packages",
        "records",
    ]);
    for s in summary {
        table.add_row([
            s.source,
            s.distro,
            s.release,
            s.advisories.to_string(),
            s.packages.to_string(),
            s.records.to_string(),
        ]);
    }
    crate::outln!("{table}")?;
    Ok(ExitCode::SUCCESS)
}
