//! `kensa vuln`: package vulnerability scanning and version comparison.
use std::collections::BTreeSet;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use kensa_model::{Severity, Warning};
use kensa_report::Report;
use kensa_vuln::inventory::{rpm, scan_root, Inventory, ScanOptions};
use kensa_vuln::platform_of;
use kensa_vuln::synth::{generate, updateinfo_xml, SynthConfig};
use kensa_vuln::{ordering_symbol, Database, Filters, Scheme};

use super::db::DbArg;
use super::output::OutputArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: VulnCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum VulnCommand {
    /// Match installed packages (OS and language) against the advisory database.
    Scan(ScanArgs),
    /// Compare two versions as rpm, dpkg or apk do; prints `<`, `=` or `>`.
    Vercmp(VercmpArgs),
    /// Print the inventory (OS and packages) of a root as JSON, the `--inventory` format.
    Inventory(InventoryArgs),
    /// Measure version comparisons per second and matching time on synthetic data,
    /// in CPU time of this thread (robust on a busy machine) and wall time.
    /// A development tool: hidden from `--help`.
    #[command(hide = true)]
    Bench(BenchArgs),
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// CPU seconds to spend per measurement.
    #[arg(long, default_value_t = 2.0)]
    pub seconds: f64,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Root of the filesystem to scan (a mounted volume, or / for this machine).
    #[arg(long, value_name = "DIR", conflicts_with = "inventory")]
    pub root: Option<PathBuf>,
    /// Read the inventory from a JSON file (as `kensa vuln inventory` writes it).
    #[arg(long, value_name = "FILE", conflicts_with = "telemetry")]
    pub inventory: Option<PathBuf>,
    /// Read the packages from agent telemetry (`kensa-agent collect --out FILE`). Kernel
    /// findings then say whether their kernel is the running one (`KERNEL_STATUS`);
    /// installed-but-not-running kernels are reported apart, as Informational.
    #[arg(long, value_name = "FILE", conflicts_with = "root")]
    pub telemetry: Option<PathBuf>,
    /// With --telemetry: the account snapshot the instance is in. A finding whose package
    /// owns a process listening on a port the Internet reaches (the listener-aware
    /// network findings) is raised one severity band (`ORIGINAL_SEVERITY` kept), naming
    /// the port, process and network path.
    #[arg(
        long,
        value_name = "DIR",
        requires = "telemetry",
        conflicts_with = "host"
    )]
    pub snapshot: Option<PathBuf>,
    /// --snapshot for the bundled demo account.
    #[arg(long, requires = "telemetry", conflicts_with_all = ["snapshot", "host"])]
    pub demo: bool,
    /// Add rpm packages from `rpm -qa --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\n'`
    /// output (for hosts whose rpm database, rpmdb.sqlite or Berkeley DB Packages, is not
    /// under --root or cannot be read).
    #[arg(long, value_name = "FILE")]
    pub rpm_qa: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
    /// Only these severities, comma separated (critical,high,medium,low,informational).
    #[arg(long, value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<Severity>,
    /// Only vulnerabilities that have a fixed version.
    #[arg(long)]
    pub fixable: bool,
    /// Do not walk the filesystem for language packages (Python, npm, Ruby, Java).
    #[arg(long)]
    pub no_lang: bool,
    /// Resource id for the findings (default: the root's /etc/hostname).
    #[arg(long, value_name = "ID")]
    pub host: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Args)]
pub struct VercmpArgs {
    /// Version scheme: rpm, deb or apk.
    #[arg(value_parser = parse_scheme)]
    pub scheme: Scheme,
    /// First version.
    #[arg(required_unless_present = "stdin")]
    pub a: Option<String>,
    /// Second version.
    #[arg(required_unless_present = "stdin")]
    pub b: Option<String>,
    /// Read `A B` pairs from standard input, one per line; print one result per line.
    #[arg(long, conflicts_with_all = ["a", "b"])]
    pub stdin: bool,
    /// Advisory matching instead of order: A is the installed version, B the advisory's,
    /// compared as the distribution's updater does (for rpm, as dnf: a release missing
    /// on either side is ignored, so `2.0-1` vs `2.0` is `=`).
    #[arg(long)]
    pub advisory: bool,
}

#[derive(Debug, clap::Args)]
pub struct InventoryArgs {
    /// Root of the filesystem to read.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// Do not walk the filesystem for language packages.
    #[arg(long)]
    pub no_lang: bool,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.trim().parse()
}

fn parse_scheme(s: &str) -> Result<Scheme, String> {
    match s.parse::<Scheme>()? {
        sc @ (Scheme::Rpm | Scheme::Deb | Scheme::Apk) => Ok(sc),
        other => Err(format!(
            "`{other}`: vercmp compares rpm, deb or apk versions"
        )),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        VulnCommand::Scan(a) => scan(a),
        VulnCommand::Vercmp(a) => vercmp(a),
        VulnCommand::Inventory(a) => inventory(a),
        VulnCommand::Bench(a) => bench(a),
    }
}

fn load_telemetry(file: &Path) -> anyhow::Result<kensa_telemetry::Telemetry> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    kensa_telemetry::Telemetry::from_json(&bytes)
        .with_context(|| format!("{}: not a telemetry document", file.display()))
}

fn load_inventory(a: &ScanArgs, notes: &mut Vec<String>) -> anyhow::Result<Inventory> {
    let mut inv = match (&a.inventory, &a.telemetry) {
        (Some(file), _) => Inventory::load(file)?,
        (None, Some(file)) => {
            let (inv, kernel) =
                kensa_host::kernel::inventory(&load_telemetry(file)?, &file.display().to_string());
            notes.extend(kernel);
            inv
        }
        (None, None) => {
            let root = a.root.clone().unwrap_or_else(|| PathBuf::from("/"));
            let opts = ScanOptions {
                language_packages: !a.no_lang,
            };
            scan_root(&root, &opts).with_context(|| format!("scanning {}", root.display()))?
        }
    };
    if let Some(qa) = &a.rpm_qa {
        let text =
            std::fs::read_to_string(qa).with_context(|| format!("reading {}", qa.display()))?;
        let pkgs = rpm::parse_qa(&text, &qa.display().to_string(), &mut inv.problems);
        inv.packages.extend(pkgs);
    }
    if let Some(host) = &a.host {
        inv.host = host.clone();
    }
    Ok(inv)
}

fn scan(a: ScanArgs) -> anyhow::Result<ExitCode> {
    let db_path = a.db.path();
    let db = load_db(&db_path)?;
    let mut notes = Vec::new();
    let inv = load_inventory(&a, &mut notes)?;
    let filters = Filters {
        severities: (!a.severity.is_empty())
            .then(|| a.severity.iter().copied().collect::<BTreeSet<_>>()),
        fixable_only: a.fixable,
    };
    let mut findings = kensa_vuln::scan(&inv, &db.records, &filters);
    if let Some(file) = &a.telemetry {
        let doc = load_telemetry(file)?;
        kensa_host::kernel::classify(&mut findings, &doc);
        if a.snapshot.is_some() || a.demo {
            let snap = super::scan::load(a.snapshot.as_ref(), a.demo)?;
            notes.extend(raise_reachable(&mut findings, file, &doc, &snap));
        }
        // Kernel and reachability changed severities: keep severity order.
        findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    }
    let mut warnings: Vec<Warning> = inv.problems.iter().map(|p| p.to_warning()).collect();
    let telemetry_label = a.telemetry.as_ref().map(|f| f.display().to_string());
    warnings.extend(
        notes
            .into_iter()
            .map(|n| Warning::warning(telemetry_label.clone().unwrap_or_default(), "", n)),
    );
    match inv.os.as_ref().map(|os| (os, platform_of(os))) {
        None => warnings.push(Warning::warning(
            "os-release",
            "",
            "no /etc/os-release: OS packages were not matched",
        )),
        Some((os, None)) => warnings.push(Warning::warning(
            "os-release",
            "",
            format!(
                "OS `{}` has no advisory source; only language packages were matched",
                os.id
            ),
        )),
        Some((_, Some(pf))) => {
            if !db
                .records
                .iter()
                .any(|r| r.distro == pf.distro && r.release == pf.release)
            {
                warnings.push(Warning::warning(
                    db_path.display().to_string(),
                    "",
                    format!(
                        "the advisory database has no records for {} {}; run `kensa db update` or `kensa db import`",
                        pf.distro, pf.release
                    ),
                ));
            }
        }
    }
    tracing::info!(
        packages = inv.packages.len(),
        findings = findings.len(),
        "vulnerability scan done"
    );
    a.output.emit(Report::new(findings, warnings))
}

/// Raises the findings of packages whose programs the Internet reaches; the notes say
/// why nothing could be joined.
fn raise_reachable(
    findings: &mut [kensa_model::Finding],
    file: &Path,
    doc: &kensa_telemetry::Telemetry,
    snap: &kensa_model::Snapshot,
) -> Vec<String> {
    let label = file.display().to_string();
    let (join, unjoined) = kensa_host::reach::ListenerJoin::new([(label, doc)], snap);
    let mut notes: Vec<String> = unjoined.into_iter().map(|(_, why)| why).collect();
    let Some(instance) = doc.host.instance_id.as_deref() else {
        return notes;
    };
    if !snap.instances.contains_key(instance) {
        notes.push(format!(
            "instance {instance} is not in the snapshot: severities are not adjusted for network reachability"
        ));
        return notes;
    }
    let exposed = join.internet_listeners_in(snap);
    let raised = kensa_host::reach::raise_reachable(findings, instance, &exposed);
    tracing::info!(
        raised,
        exposed = exposed.len(),
        "network reachability applied"
    );
    notes
}

fn load_db(path: &Path) -> anyhow::Result<Database> {
    if !path.exists() {
        bail!(
            "no advisory database at {} (create it with `kensa db update` or `kensa db import`, or pass --db)",
            path.display()
        );
    }
    Ok(Database::load(path)?)
}

fn vercmp(a: VercmpArgs) -> anyhow::Result<ExitCode> {
    let compare = |x: &str, y: &str| {
        if a.advisory {
            a.scheme.compare_advisory(x, y)
        } else {
            a.scheme.compare(x, y)
        }
    };
    let check = |v: &str| -> anyhow::Result<()> {
        // dpkg refuses malformed versions; rpm and apk compare whatever they are given.
        if a.scheme == Scheme::Deb || v.is_empty() {
            a.scheme
                .validate(v)
                .map_err(|e| anyhow::anyhow!("version {v:?}: {e}"))?;
        }
        Ok(())
    };
    if !a.stdin {
        let (x, y) = (a.a.unwrap_or_default(), a.b.unwrap_or_default());
        check(&x)?;
        check(&y)?;
        crate::outln!("{}", ordering_symbol(compare(&x, &y)))?;
        return Ok(ExitCode::SUCCESS);
    }
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut errors = 0usize;
    // Lines are read as bytes: one line that is not UTF-8 is that line's error, with its
    // number, and the lines after it are still compared.
    for (n, line) in stdin.lock().split(b'\n').enumerate() {
        let bytes = line.context("reading standard input")?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            anyhow::anyhow!("not valid UTF-8 (at byte {} of the line)", e.valid_up_to())
        });
        let mut parts = text.as_deref().unwrap_or("").split_whitespace();
        let result = match (&text, parts.next(), parts.next(), parts.next()) {
            (Err(e), ..) => Err(anyhow::anyhow!("{e}")),
            (Ok(_), Some(x), Some(y), None) => check(x)
                .and_then(|_| check(y))
                .map(|_| ordering_symbol(compare(x, y))),
            _ => Err(anyhow::anyhow!(
                "expected two versions separated by whitespace"
            )),
        };
        match result {
            Ok(sym) => writeln!(out, "{sym}")?,
            Err(e) => {
                errors += 1;
                writeln!(out, "?")?;
                eprintln!("error: stdin:{}: {e:#}", n + 1);
            }
        }
    }
    out.flush()?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn inventory(a: InventoryArgs) -> anyhow::Result<ExitCode> {
    let opts = ScanOptions {
        language_packages: !a.no_lang,
    };
    let inv =
        scan_root(&a.root, &opts).with_context(|| format!("scanning {}", a.root.display()))?;
    let mut out = BufWriter::new(io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, &inv)?;
    writeln!(out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// CPU time of the calling thread (Linux `/proc/thread-self/stat`, clock ticks of 10 ms).
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the `(comm)`: state is field 3; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Runs `work` until `seconds` of thread CPU time have passed; returns
/// (iterations, cpu seconds, wall seconds).
fn measure(seconds: f64, mut work: impl FnMut()) -> (u64, f64, f64) {
    let cpu0 = thread_cpu_seconds().unwrap_or(0.0);
    let wall0 = std::time::Instant::now();
    let mut n = 0u64;
    loop {
        work();
        n += 1;
        let cpu = thread_cpu_seconds().map(|c| c - cpu0);
        let wall = wall0.elapsed().as_secs_f64();
        let spent = cpu.unwrap_or(wall);
        if spent >= seconds || wall > seconds * 20.0 {
            return (n, spent, wall);
        }
    }
}

fn bench(a: BenchArgs) -> anyhow::Result<ExitCode> {
    use kensa_vuln::synth::version_pairs;
    use std::hint::black_box;
    crate::outln!("version comparisons (one thread):")?;
    for scheme in [Scheme::Rpm, Scheme::Deb, Scheme::Apk] {
        let pairs = version_pairs(scheme, 1);
        let (n, cpu, wall) = measure(a.seconds, || {
            for (x, y) in &pairs {
                black_box(scheme.compare(black_box(x), black_box(y)));
            }
        });
        let total = (n * pairs.len() as u64) as f64;
        crate::outln!(
            "  {:<4} {:>12.0} /s of CPU time   {:>12.0} /s of wall time",
            scheme.as_str(),
            total / cpu,
            total / wall
        )?;
    }
    let cfg = SynthConfig::default();
    let (records, inv) = generate(&cfg);
    let filters = Filters::default();
    let mut found = 0;
    let (n, cpu, wall) = measure(a.seconds, || {
        let matcher = kensa_vuln::Matcher::new(&records);
        found = matcher.match_inventory(&inv, &filters).len();
    });
    crate::outln!(
        "matching {} installed packages against {} advisories ({} records), index included:\n  {:.2} ms CPU, {:.2} ms wall per scan ({found} matches)",
        inv.packages.len(),
        cfg.advisories,
        records.len(),
        cpu * 1000.0 / n as f64,
        wall * 1000.0 / n as f64
    )?;
    let (n, cpu, wall) = measure(a.seconds, || {
        black_box(kensa_vuln::scan(&inv, &records, &filters).len());
    });
    crate::outln!(
        "  with findings built: {:.2} ms CPU, {:.2} ms wall per scan",
        cpu * 1000.0 / n as f64,
        wall * 1000.0 / n as f64
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `kensa synth advisories`: the synthetic advisory set and inventory of the benchmark.
#[derive(Debug, clap::Args)]
pub struct SynthAdvisoriesArgs {
    /// Directory to write `updateinfo.xml.gz` and `inventory.json` into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of advisories.
    #[arg(long, default_value_t = 8_000)]
    pub advisories: usize,
    /// Installed packages in the inventory.
    #[arg(long, default_value_t = 2_000)]
    pub packages: usize,
    /// Random seed (same seed, same files).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

pub fn synth_advisories(a: SynthAdvisoriesArgs) -> anyhow::Result<ExitCode> {
    let cfg = SynthConfig {
        advisories: a.advisories,
        package_pool: (a.advisories * 3 / 4).max(a.packages * 3).max(1),
        installed: a.packages,
        seed: a.seed,
    };
    let (records, inv) = generate(&cfg);
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let xml_path = a.out.join("updateinfo.xml.gz");
    let file = std::fs::File::create(&xml_path)
        .with_context(|| format!("creating {}", xml_path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::new(6));
    gz.write_all(updateinfo_xml(&records).as_bytes())?;
    gz.finish()?.flush()?;
    let inv_path = a.out.join("inventory.json");
    std::fs::write(&inv_path, serde_json::to_vec_pretty(&inv)?)
        .with_context(|| format!("writing {}", inv_path.display()))?;
    eprintln!(
        "wrote {} ({} advisories, {} package records) and {} ({} packages)",
        xml_path.display(),
        a.advisories,
        records.len(),
        inv_path.display(),
        inv.packages.len()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::db::{self, DbCommand, ImportArgs};
    use crate::cmd::output::ColorChoice;
    use kensa_report::Format;
    use kensa_vuln::inventory::{InstalledPackage, OsInfo, PackageKind};

    const UPDATEINFO: &str = r#"<updates><update><id>ALAS2023-2024-001</id><title>t</title>
<severity>important</severity><references><reference type="cve" id="CVE-2024-1"/></references>
<pkglist><collection><package name="openssl-libs" epoch="1" version="3.0.8" release="1.amzn2023.0.10" arch="x86_64"/></collection></pkglist></update>
<update><id>ALAS2023-2024-002</id><title>t</title><severity>low</severity>
<pkglist><collection><package name="curl" epoch="0" version="8.0" release="1.amzn2023" arch="x86_64"/></collection></pkglist></update></updates>"#;

    fn output(format: Format, file: PathBuf) -> OutputArgs {
        OutputArgs {
            format,
            min_severity: None,
            fail_on: Some(Severity::High),
            output: Some(file),
            color: ColorChoice::Never,
        }
    }

    #[test]
    fn import_then_scan_an_inventory_file() {
        let dir = tempfile::tempdir().unwrap();
        let feed = dir.path().join("updateinfo.xml");
        std::fs::write(&feed, UPDATEINFO).unwrap();
        let db_arg = DbArg {
            file: Some(dir.path().join("adv.json.gz")),
        };
        let import = ImportArgs {
            feed: kensa_vuln::FeedKind::Alas,
            paths: vec![feed],
            release: None,
            db: db_arg.clone(),
            allow_shrink: false,
        };
        db::run(db::Args {
            command: DbCommand::Import(import),
        })
        .unwrap();
        let pkg = |name: &str, version: &str| InstalledPackage {
            kind: PackageKind::Rpm,
            name: name.into(),
            version: version.into(),
            arch: "x86_64".into(),
            source_name: None,
            source_version: None,
            location: None,
        };
        let inv = Inventory {
            host: "i-0abc".into(),
            os: Some(OsInfo {
                id: "amzn".into(),
                version_id: "2023".into(),
                ..Default::default()
            }),
            packages: vec![
                pkg("openssl-libs", "1:3.0.8-1.amzn2023.0.9"),
                pkg("curl", "8.0-1.amzn2023"),
            ],
            problems: vec![],
        };
        let inv_path = dir.path().join("inv.json");
        std::fs::write(&inv_path, serde_json::to_vec(&inv).unwrap()).unwrap();
        let out = dir.path().join("out.json");
        let scan_args = |format, severity: Vec<Severity>| ScanArgs {
            root: None,
            inventory: Some(inv_path.clone()),
            telemetry: None,
            snapshot: None,
            demo: false,
            rpm_qa: None,
            db: db_arg.clone(),
            severity,
            fixable: false,
            no_lang: true,
            host: None,
            output: output(format, out.clone()),
        };
        let code = scan(scan_args(Format::Json, vec![])).unwrap();
        assert_eq!(
            code,
            ExitCode::from(1),
            "--fail-on high with a High finding"
        );
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let findings = report["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0]["rule_id"], "ALAS2023-2024-001");
        assert_eq!(findings[0]["severity"], "High");
        assert_eq!(findings[0]["evidence"]["fixed"], "1:3.0.8-1.amzn2023.0.10");
        // SARIF renders too; --severity low filters the High one out.
        let code = scan(scan_args(Format::Sarif, vec![Severity::Low])).unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        let sarif: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
    }

    /// `--root` on an Amazon Linux 2 root: packages come from the Berkeley DB
    /// `var/lib/rpm/Packages` and are matched against ALAS2 advisories.
    #[test]
    fn scan_an_amazon_linux_2_root() {
        let dir = tempfile::tempdir().unwrap();
        let feed = dir.path().join("updateinfo.xml");
        std::fs::write(
            &feed,
            r#"<updates><update><id>ALAS2-2024-001</id><title>t</title>
<severity>important</severity><references><reference type="cve" id="CVE-2024-2"/></references>
<pkglist><collection><package name="openssl" epoch="1" version="1.0.2k" release="24.amzn2.0.5" arch="x86_64"/></collection></pkglist></update>
<update><id>ALAS2-2024-002</id><title>t</title><severity>medium</severity>
<pkglist><collection><package name="bash" epoch="0" version="4.2.46" release="34.amzn2" arch="x86_64"/></collection></pkglist></update></updates>"#,
        )
        .unwrap();
        let db_arg = DbArg {
            file: Some(dir.path().join("adv.json.gz")),
        };
        db::run(db::Args {
            command: DbCommand::Import(ImportArgs {
                feed: kensa_vuln::FeedKind::Alas,
                paths: vec![feed],
                release: None,
                db: db_arg.clone(),
                allow_shrink: false,
            }),
        })
        .unwrap();
        let root =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../kensa-vuln/tests/fixtures/amzn2-root");
        let out = dir.path().join("out.json");
        let code = scan(ScanArgs {
            root: Some(root),
            inventory: None,
            telemetry: None,
            snapshot: None,
            demo: false,
            rpm_qa: None,
            db: db_arg,
            severity: vec![],
            fixable: false,
            no_lang: true,
            host: None,
            output: output(Format::Json, out.clone()),
        })
        .unwrap();
        assert_eq!(code, ExitCode::from(1));
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let findings = report["findings"].as_array().unwrap();
        assert_eq!(
            findings.len(),
            1,
            "bash is at the fixed version: {findings:?}"
        );
        assert_eq!(findings[0]["rule_id"], "ALAS2-2024-001");
        assert_eq!(
            findings[0]["evidence"]["installed"],
            "1:1.0.2k-24.amzn2.0.4"
        );
        assert_eq!(findings[0]["resource"]["id"], "i-0fixture0000000002");
    }

    #[test]
    fn missing_database_is_a_clear_error() {
        let err = load_db(Path::new("/nonexistent/adv.json.gz")).unwrap_err();
        assert!(err.to_string().contains("kensa db update"));
    }
}
