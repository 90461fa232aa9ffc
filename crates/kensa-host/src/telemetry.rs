//! Facts from the agent's telemetry document.
use std::collections::BTreeSet;
use std::path::Path;

use kensa_telemetry::{CollectionMode, PackageKind, SshdSource, Telemetry};

use crate::error::HostError;
use crate::facts::{FileMode, HostFacts, Listener, Origin, SshdSettings, Value};

impl HostFacts {
    /// Reads facts from a mounted root filesystem (`--root DIR`).
    pub fn from_root(root: &Path) -> Result<HostFacts, HostError> {
        crate::root::read(root)
    }

    /// Reads facts from a telemetry file (as `kensa-agent collect --out FILE` writes it).
    pub fn from_telemetry_file(path: &Path) -> Result<HostFacts, HostError> {
        let bytes = std::fs::read(path).map_err(|source| HostError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        HostFacts::from_telemetry_json(&path.display().to_string(), &bytes)
    }

    /// Reads facts from a telemetry document; `label` names it in errors and reports.
    pub fn from_telemetry_json(label: &str, bytes: &[u8]) -> Result<HostFacts, HostError> {
        let doc = Telemetry::from_json(bytes).map_err(|source| HostError::Telemetry {
            path: label.to_string(),
            source,
        })?;
        Ok(from_telemetry(label, &doc))
    }
}

/// The view of one telemetry document.
pub fn from_telemetry(label: &str, doc: &Telemetry) -> HostFacts {
    let live = doc.mode == CollectionMode::Live;
    let mut facts = HostFacts::empty(Origin::Telemetry {
        path: label.to_string(),
        live,
    });
    facts.os_release = doc.host.os_release.clone();
    facts.files = doc.files.clone();
    let unreadable: BTreeSet<&str> = doc.warnings.iter().map(|w| w.source.as_str()).collect();
    facts.files_examined = kensa_telemetry::CONFIG_FILES
        .iter()
        .filter(|p| !unreadable.contains(**p))
        .map(|p| p.to_string())
        .collect();
    facts.dirs_examined = kensa_telemetry::CONFIG_GLOBS
        .iter()
        .filter(|(d, suffix)| *suffix == ".conf" && !unreadable.contains(*d))
        .map(|(d, _)| d.to_string())
        .collect();
    for m in &doc.permissions {
        facts.modes.insert(
            m.path.clone(),
            FileMode {
                mode: m.mode,
                uid: m.uid,
                gid: m.gid,
                kind: m.kind.clone(),
            },
        );
    }
    facts.modes_examined = kensa_telemetry::PERMISSION_PATHS
        .iter()
        .filter(|p| !p.ends_with("/*") && !unreadable.contains(**p))
        .map(|p| p.to_string())
        .chain(facts.modes.keys().cloned())
        .collect();
    let os_packages: BTreeSet<String> = doc
        .packages
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                PackageKind::Deb | PackageKind::Rpm | PackageKind::Apk
            )
        })
        .map(|p| p.name.clone())
        .collect();
    // An empty list cannot be told from "not collected": unknown, never "none installed".
    facts.packages = (!os_packages.is_empty()).then_some(os_packages);
    facts.sshd = sshd_of(doc, &mut facts);
    facts.sysctls_live = if live { doc.sysctls.clone() } else { None };
    facts.listeners = doc
        .listeners
        .as_ref()
        .map(|ls| ls.iter().map(listener_of).collect());
    facts.kernel_running = doc.host.kernel.running.clone();
    facts.kernels_installed = doc.host.kernel.installed.clone();
    facts.warnings = doc
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.source, w.reason))
        .collect();
    facts
}

/// `sshd -T` output as it is; an sshd_config source is re-read from the collected files
/// so that the evidence names the file and line.
fn sshd_of(doc: &Telemetry, facts: &mut HostFacts) -> Option<SshdSettings> {
    let cfg = doc.sshd.as_ref()?;
    if cfg.source == SshdSource::SshdConfig {
        if let Some(parsed) = crate::sshd::parse(&facts.files, &mut facts.warnings) {
            return Some(parsed);
        }
    }
    let at = match cfg.source {
        SshdSource::SshdT => "sshd -T",
        SshdSource::SshdConfig => "sshd_config",
    };
    Some(SshdSettings {
        source: at.to_string(),
        settings: cfg
            .effective
            .iter()
            .filter_map(|(k, v)| {
                v.first().map(|first| {
                    (
                        k.to_ascii_lowercase(),
                        Value {
                            value: first.clone(),
                            at: at.to_string(),
                        },
                    )
                })
            })
            .collect(),
    })
}

fn listener_of(l: &kensa_telemetry::Listener) -> Listener {
    Listener {
        proto: match l.proto {
            kensa_telemetry::Proto::Tcp => "tcp".into(),
            kensa_telemetry::Proto::Udp => "udp".into(),
        },
        address: l.address.clone(),
        port: l.port,
        pid: l.pid,
        uid: l.uid,
        user: l.user.clone(),
        process: l.process_name.clone(),
        exe: l.exe.clone(),
        nx: l.elf_hardening.map(|h| h.nx),
    }
}
