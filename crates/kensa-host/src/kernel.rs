//! Kernel truth for `cve` findings from telemetry: which kernel package is the one
//! running (`uname -r`), and which are only installed.
//!
//! Kernel packages stay installed after an update until the package manager prunes
//! them, so matching every installed kernel reports CVEs of kernels that are not running
//! (false positives), while a running kernel whose package was already removed is not
//! matched at all (a miss). From telemetry kensa:
//!
//! * tags every finding on a kernel package with `KERNEL_STATUS`: `running`,
//!   `installed-not-running` or `unknown` (no running kernel known: a mounted root) and
//!   `KERNEL_RELEASE`;
//! * reports an installed-but-not-running kernel's findings apart: Informational, the
//!   advisory's severity kept in `ORIGINAL_SEVERITY`, the title and description saying the
//!   kernel is not running (it becomes exposed only if the host boots it);
//! * on rpm systems, matches the running kernel even when its package is gone, as the
//!   `kernel` version that `uname -r` names. On dpkg and apk systems `uname -r` does not
//!   give the package version, so a running kernel without a package is a warning.
use kensa_model::{Finding, Package, Severity};
use kensa_telemetry::{InstalledPackage, PackageKind, Telemetry};
use kensa_vuln::Inventory;

/// The attribute saying whether a finding's kernel package is the running kernel.
pub const KERNEL_STATUS: &str = "KERNEL_STATUS";
/// Architectures an rpm `uname -r` ends with.
const RPM_ARCHES: [&str; 3] = ["x86_64", "aarch64", "i686"];

/// The kernel release (`uname -r` form) a package installs, or `None` when the package is
/// not a kernel image or module package.
pub fn kernel_release(kind: PackageKind, name: &str, version: &str, arch: &str) -> Option<String> {
    match kind {
        PackageKind::Rpm => {
            let base = name.split('-').next().unwrap_or(name);
            let image = base == "kernel"
                || base
                    .strip_prefix("kernel")
                    .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()));
            let part = &name[base.len()..];
            let ok_part = matches!(
                part,
                "" | "-core" | "-modules" | "-modules-core" | "-modules-extra"
            );
            let version = version.split_once(':').map_or(version, |(_, v)| v);
            (image && ok_part && !arch.is_empty()).then(|| format!("{version}.{arch}"))
        }
        PackageKind::Deb => [
            "linux-image-unsigned-",
            "linux-image-",
            "linux-modules-extra-",
            "linux-modules-",
        ]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_string),
        PackageKind::Apk => {
            let flavor = name.strip_prefix("linux-")?;
            let (ver, rel) = version.rsplit_once("-r")?;
            Some(format!("{ver}-{rel}-{flavor}"))
        }
        _ => None,
    }
}

/// The inventory the matcher reads, from a telemetry document (`label` names it in
/// notes), with the running kernel added on rpm systems when no installed package is it.
/// The notes say what could not be matched.
pub fn inventory(doc: &Telemetry, label: &str) -> (Inventory, Vec<String>) {
    let mut notes = Vec::new();
    let mut packages = doc.packages.clone();
    let release = |p: &InstalledPackage| kernel_release(p.kind, &p.name, &p.version, &p.arch);
    if let Some(running) = &doc.host.kernel.running {
        let installed = packages
            .iter()
            .any(|p| release(p).as_deref() == Some(running));
        let rpm = packages.iter().any(|p| p.kind == PackageKind::Rpm);
        match (installed, rpm, running_rpm(running, &packages)) {
            (true, _, _) => {}
            (false, true, Some(p)) => {
                notes.push(format!("{label}: the running kernel {running} has no installed package; it is matched as {} {}", p.name, p.version));
                packages.push(p);
            }
            (false, _, _) => notes.push(format!("{label}: the running kernel {running} has no installed package; its CVEs are not matched")),
        }
    }
    let host = doc
        .host
        .instance_id
        .clone()
        .unwrap_or_else(|| doc.host.hostname.clone());
    let inv = Inventory {
        host,
        os: doc.os_info(),
        packages,
        problems: Vec::new(),
    };
    (inv, notes)
}

/// The rpm package the running kernel came from: `5.10.228-219.884.amzn2.x86_64` is
/// `kernel` (or the installed `kernelX.Y` stream of that version) 5.10.228-219.884.amzn2.
fn running_rpm(running: &str, packages: &[InstalledPackage]) -> Option<InstalledPackage> {
    let (version, arch) = running.rsplit_once('.')?;
    if !RPM_ARCHES.contains(&arch) {
        return None;
    }
    let stream = packages
        .iter()
        .filter(|p| {
            p.kind == PackageKind::Rpm
                && kernel_release(p.kind, &p.name, &p.version, &p.arch).is_some()
        })
        .map(|p| p.name.split('-').next().unwrap_or(&p.name))
        .find(|n| {
            n.strip_prefix("kernel")
                .is_some_and(|v| !v.is_empty() && version.starts_with(&format!("{v}.")))
        })
        .unwrap_or("kernel");
    Some(InstalledPackage {
        kind: PackageKind::Rpm,
        name: stream.to_string(),
        version: version.to_string(),
        arch: arch.to_string(),
        source_name: None,
        source_version: None,
        location: Some(format!(
            "running kernel (uname -r {running}), not in the package database"
        )),
    })
}

/// Tags the `cve` findings of kernel packages with their kernel's status and moves the
/// not-running kernels' findings apart (see the module documentation).
pub fn classify(findings: &mut [Finding], doc: &Telemetry) {
    let running = doc.host.kernel.running.as_deref();
    for f in findings.iter_mut().filter(|f| f.package == Package::Cve) {
        let attr = |k: &str| f.attributes.get(k).cloned().unwrap_or_default();
        let kind = match attr("PACKAGE_KIND").as_str() {
            "rpm" => PackageKind::Rpm,
            "deb" => PackageKind::Deb,
            "apk" => PackageKind::Apk,
            _ => continue,
        };
        let Some(release) = kernel_release(
            kind,
            &attr("PACKAGE_NAME"),
            &attr("INSTALLED_VERSION"),
            &attr("ARCH"),
        ) else {
            continue;
        };
        let status = match running {
            None => "unknown",
            Some(r) if r == release => "running",
            Some(_) => "installed-not-running",
        };
        f.attributes
            .insert("KERNEL_RELEASE".into(), release.clone());
        f.attributes.insert(KERNEL_STATUS.into(), status.into());
        if let ("installed-not-running", Some(r)) = (status, running) {
            f.attributes
                .insert("ORIGINAL_SEVERITY".into(), f.severity.as_str().into());
            f.severity = Severity::Informational;
            f.title = format!("{} (kernel {release} installed, not running)", f.title);
            f.description = format!("{} Kernel {release} is installed but not running (running: {r}): the vulnerability applies only if the host boots it.", f.description);
        }
    }
}
