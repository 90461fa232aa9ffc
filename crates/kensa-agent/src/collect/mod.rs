//! Collecting one telemetry document from the running system or a mounted root.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use kensa_telemetry::{
    CollectionMode, Host, Kernel, Listener, Telemetry, Warning, INSECURE_PACKAGES, SCHEMA_VERSION,
};

mod elf;
mod files;
mod net;
pub(crate) mod process;
mod sshd;
pub(crate) mod time;

/// What to collect from where.
#[derive(Debug, Clone)]
pub struct Options {
    /// `/` for the running system, or a mounted root (then runtime facts are skipped).
    pub root: PathBuf,
    /// Whether `root` is the system the agent runs on: only then are runtime facts
    /// (listeners, sysctls, running kernel, kernel host name) read from `proc`.
    pub live: bool,
    /// Where the kernel's process and network tables are (normally `/proc`).
    pub proc: PathBuf,
    /// Instance id and region, when IMDS was asked (see `imds`).
    pub instance: Option<(String, String)>,
}

impl Options {
    /// The running system: root `/`, runtime facts from `/proc`, no IMDS identity.
    pub fn live() -> Options {
        Options {
            root: "/".into(),
            live: true,
            proc: "/proc".into(),
            instance: None,
        }
    }

    /// A mounted root (an attached snapshot volume, a container image tree): files and
    /// packages only, since the `/proc` of the host running the agent says nothing
    /// about it.
    pub fn root(root: &Path) -> Options {
        Options {
            root: root.to_path_buf(),
            live: false,
            proc: "/proc".into(),
            instance: None,
        }
    }
}

/// Collects one telemetry document. Never fails: whatever cannot be read becomes a
/// [`Warning`] in the document (sorted, deduplicated) and the rest is still collected.
pub fn collect(opts: &Options) -> Telemetry {
    let collected_at = time::rfc3339(SystemTime::now());
    let mut warnings = Vec::new();
    let root = opts.root.as_path();
    let (packages, os) = packages(root, &mut warnings);
    let insecure = insecure_packages(&packages);
    let host = Host {
        hostname: hostname(opts),
        instance_id: opts.instance.as_ref().map(|i| i.0.clone()),
        region: opts.instance.as_ref().map(|i| i.1.clone()),
        os_release: os,
        kernel: Kernel {
            running: opts
                .live
                .then(|| read_trimmed(&opts.proc.join("sys/kernel/osrelease")))
                .flatten(),
            installed: files::installed_kernels(root),
        },
    };
    let listeners = opts.live.then(|| {
        let mut found = listeners(&opts.proc, &mut warnings);
        owning_packages(root, &packages, &mut found, &mut warnings);
        found
    });
    let sysctls = opts.live.then(|| files::sysctls(&opts.proc, &mut warnings));
    let mut doc = Telemetry {
        schema_version: SCHEMA_VERSION,
        agent_version: env!("CARGO_PKG_VERSION").into(),
        collected_at,
        mode: if opts.live {
            CollectionMode::Live
        } else {
            CollectionMode::Root
        },
        root: (!opts.live).then(|| root.display().to_string()),
        host,
        packages,
        listeners,
        sshd: sshd::collect(root, opts.live, &mut warnings),
        files: files::config_files(root, &mut warnings),
        sysctls,
        permissions: files::permissions(root, &mut warnings),
        insecure_clients_servers: insecure,
        warnings: Vec::new(),
    };
    warnings.sort();
    warnings.dedup();
    doc.warnings = warnings;
    doc
}

fn packages(
    root: &Path,
    warnings: &mut Vec<Warning>,
) -> (
    Vec<kensa_telemetry::InstalledPackage>,
    BTreeMap<String, String>,
) {
    let os = ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|p| std::fs::read_to_string(root.join(p)).ok())
        .map(|t| kensa_telemetry::parse_os_release(&t));
    if os.is_none() {
        warnings.push(Warning::new("/etc/os-release", "not found or not readable"));
    }
    let opts = kensa_inventory::ScanOptions::default();
    let packages = match kensa_inventory::scan_root(root, &opts) {
        Ok(inv) => {
            warnings.extend(
                inv.problems
                    .iter()
                    .map(|p| Warning::new(p.location.to_string(), p.message.clone())),
            );
            inv.packages
        }
        Err(e) => {
            warnings.push(Warning::new(root.display().to_string(), e.to_string()));
            Vec::new()
        }
    };
    (packages, os.unwrap_or_default())
}

fn insecure_packages(packages: &[kensa_telemetry::InstalledPackage]) -> Vec<String> {
    let mut out: Vec<String> = packages
        .iter()
        .filter(|p| p.kind.ecosystem().is_none() && INSECURE_PACKAGES.contains(&p.name.as_str()))
        .map(|p| p.name.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The host name: the kernel's when live, else the root's /etc/hostname.
pub fn hostname(opts: &Options) -> String {
    let live = opts
        .live
        .then(|| read_trimmed(&opts.proc.join("sys/kernel/hostname")))
        .flatten();
    live.or_else(|| read_trimmed(&opts.root.join("etc/hostname")))
        .unwrap_or_else(|| "localhost".into())
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Sockets joined to their processes; each executable's ELF hardening is read once.
fn listeners(proc: &Path, warnings: &mut Vec<Warning>) -> Vec<Listener> {
    let sockets = net::sockets(proc, warnings);
    let owners = net::socket_owners(proc, warnings);
    let users = process::users(Path::new("/etc/passwd"));
    let mut hardening = BTreeMap::new();
    let mut out: Vec<Listener> = sockets
        .into_iter()
        .map(|s| {
            let pid = owners.get(&s.inode).copied();
            let p = pid.map(|pid| process::read(proc, pid)).unwrap_or_default();
            let elf_hardening = match (pid, &p.exe) {
                (Some(pid), Some(exe)) => hardening
                    .entry(exe.clone())
                    .or_insert_with(|| {
                        elf::inspect_file(&proc.join(format!("{pid}/exe"))).map_err(|reason| {
                            warnings.push(Warning::new(exe.display().to_string(), reason));
                        })
                    })
                    .ok(),
                _ => None,
            };
            Listener {
                proto: s.proto,
                family: s.family,
                address: s.address.to_string(),
                port: s.port,
                pid,
                user: p
                    .uid
                    .map(|u| users.get(&u).cloned().unwrap_or_else(|| u.to_string())),
                uid: p.uid,
                process_name: p.name,
                exe: p.exe.map(|e| e.display().to_string()),
                cmdline: p.cmdline,
                elf_hardening,
                package: None,
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Fills each listener's `package` from the package manager's file lists under `root`
/// (no package manager is run). An executable whose file was replaced while it ran is
/// reported by the kernel as `PATH (deleted)`; the package now at PATH is its owner.
fn owning_packages(
    root: &Path,
    packages: &[kensa_telemetry::InstalledPackage],
    listeners: &mut [Listener],
    warnings: &mut Vec<Warning>,
) {
    let exe_path = |l: &Listener| {
        l.exe
            .as_deref()
            .map(|e| e.strip_suffix(" (deleted)").unwrap_or(e).to_string())
    };
    let mut paths: Vec<String> = listeners.iter().filter_map(exe_path).collect();
    paths.sort();
    paths.dedup();
    let mut problems = Vec::new();
    let owners = kensa_inventory::owners::owners(root, &paths, packages, &mut problems);
    warnings.extend(
        problems
            .iter()
            .map(|p| Warning::new(p.location.to_string(), p.message.clone())),
    );
    for l in listeners.iter_mut() {
        l.package = exe_path(l).and_then(|p| owners.get(&p).cloned());
    }
}
