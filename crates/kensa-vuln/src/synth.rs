//! Synthetic data for the benchmarks: a full-size distro advisory set (Amazon Linux 2023
//! shaped: thousands of ALAS advisories over thousands of binary packages) and a host
//! inventory of installed packages drawn from the same package names. Deterministic
//! for a given seed.
use std::collections::BTreeMap;
use std::fmt::Write;

use kensa_model::Severity;

use crate::advisory::{AdvisoryRecord, FixState};
use crate::inventory::{InstalledPackage, Inventory, OsInfo, PackageKind};
use crate::version::Scheme;

/// The size and seed of a generated advisory set and inventory (`kensa vuln bench`).
#[derive(Debug, Clone, Copy)]
pub struct SynthConfig {
    /// Advisories to generate.
    pub advisories: usize,
    /// Distinct binary package names advisories draw from.
    pub package_pool: usize,
    /// Installed packages in the inventory.
    pub installed: usize,
    /// The random seed: the same seed gives the same data.
    pub seed: u64,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            advisories: 8_000,
            package_pool: 6_000,
            installed: 2_000,
            seed: 42,
        }
    }
}

/// splitmix64: tiny, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn package_name(i: usize) -> String {
    const STEMS: [&str; 8] = [
        "lib", "python3-", "perl-", "golang-", "", "rust-", "java-", "nodejs-",
    ];
    const SUFFIXES: [&str; 5] = ["", "-devel", "-libs", "-debuginfo", "-common"];
    format!("{}pkg{}{}", STEMS[i % 8], i / 40, SUFFIXES[(i / 8) % 5])
}

/// The base version each package line is at, so fixes and installs are comparable.
fn base_version(rng: &mut Rng) -> (u32, u32, u32) {
    (
        rng.below(12) as u32,
        rng.below(30) as u32,
        rng.below(20) as u32,
    )
}

fn evr(epoch: u32, v: (u32, u32, u32), rel: u32, minor: u32) -> String {
    let vr = format!("{}.{}.{}-{rel}.amzn2023.0.{minor}", v.0, v.1, v.2);
    if epoch == 0 {
        vr
    } else {
        format!("{epoch}:{vr}")
    }
}

/// Advisory records (Amazon Linux 2023) and a matching inventory.
pub fn generate(cfg: &SynthConfig) -> (Vec<AdvisoryRecord>, Inventory) {
    let mut rng = Rng(cfg.seed);
    let lines: Vec<(u32, (u32, u32, u32))> = (0..cfg.package_pool)
        .map(|_| {
            (
                if rng.below(10) == 0 {
                    1 + rng.below(3) as u32
                } else {
                    0
                },
                base_version(&mut rng),
            )
        })
        .collect();
    let severities = ["critical", "important", "medium", "low"];
    let mut records = Vec::new();
    for a in 0..cfg.advisories {
        let id = format!("ALAS2023-{}-{:03}", 2023 + a / 2000, a % 2000);
        let vendor = severities[rng.below(4)];
        let cves: Vec<String> = (0..1 + rng.below(4))
            .map(|_| format!("CVE-{}-{}", 2019 + rng.below(6), 1000 + rng.below(50_000)))
            .collect();
        let first = rng.below(cfg.package_pool);
        for k in 0..1 + rng.below(8) {
            let p = (first + k) % cfg.package_pool;
            let (epoch, v) = lines[p];
            records.push(AdvisoryRecord {
                distro: "amzn".into(),
                release: "2023".into(),
                package: package_name(p),
                id: id.clone(),
                scheme: Scheme::Rpm,
                fix_state: FixState::Fixed,
                introduced: None,
                fixed: Some(evr(epoch, v, 1 + rng.below(20) as u32, rng.below(5) as u32)),
                last_affected: None,
                severity: crate::advisory::map_severity(vendor),
                vendor_severity: Some(vendor.into()),
                cves: cves.clone(),
                title: format!("Amazon Linux 2023 - {id}: {vendor} priority package update"),
                url: crate::feeds::alas::url_of(&id, "2023"),
                source: "alas".into(),
            });
        }
    }
    crate::advisory::normalise(&mut records);
    // Distinct packages spread over the pool; most are up to date (release above every
    // fix), about one in six is behind, as on a host patched now and then.
    let stride = (cfg.package_pool / cfg.installed.max(1)).max(1);
    let mut packages = Vec::with_capacity(cfg.installed);
    for i in 0..cfg.installed.min(cfg.package_pool) {
        let p = (i * stride + rng.below(stride)) % cfg.package_pool;
        let (epoch, v) = lines[p];
        let release = if rng.below(6) == 0 {
            1 + rng.below(20) as u32
        } else {
            21 + rng.below(4) as u32
        };
        packages.push(InstalledPackage {
            kind: PackageKind::Rpm,
            name: package_name(p),
            version: evr(epoch, v, release, rng.below(5) as u32),
            arch: "x86_64".into(),
            source_name: None,
            source_version: None,
            location: None,
        });
    }
    packages.sort();
    let inventory = Inventory {
        host: "i-0synthetic0000001".into(),
        os: Some(OsInfo {
            id: "amzn".into(),
            version_id: "2023".into(),
            pretty_name: "Amazon Linux 2023".into(),
            ..Default::default()
        }),
        packages,
        problems: Vec::new(),
    };
    (records, inventory)
}

/// Realistic version pairs for comparison benchmarks: installed versions against fixed
/// versions of the synthetic set, reshaped into each scheme's syntax (Debian revisions
/// with `~`, apk `_p` suffixes and `-rN`).
pub fn version_pairs(scheme: Scheme, seed: u64) -> Vec<(String, String)> {
    let cfg = SynthConfig {
        advisories: 600,
        package_pool: 400,
        installed: 400,
        seed,
    };
    let (records, inv) = generate(&cfg);
    let reshape = |v: &str| -> String {
        match scheme {
            Scheme::Deb => v
                .replace(".amzn2023.0.", "+deb12u")
                .replacen("-1", "~rc1-1", 1),
            Scheme::Apk => {
                let v = v.split(':').next_back().unwrap_or(v);
                let (ver, rel) = v.split_once('-').unwrap_or((v, "0"));
                let rel: String = rel.chars().take_while(|c| c.is_ascii_digit()).collect();
                format!("{ver}_p{}-r{rel}", rel.len())
            }
            _ => v.to_string(),
        }
    };
    records
        .iter()
        .zip(inv.packages.iter().cycle())
        .map(|(r, p)| {
            (
                reshape(&p.version),
                reshape(r.fixed.as_deref().unwrap_or("0")),
            )
        })
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes records back out as a yum `updateinfo.xml` (one `<update>` per advisory id),
/// so the synthetic set goes through the same importer as the real feed.
pub fn updateinfo_xml(records: &[AdvisoryRecord]) -> String {
    let mut by_id: BTreeMap<&str, Vec<&AdvisoryRecord>> = BTreeMap::new();
    for r in records {
        by_id.entry(&r.id).or_default().push(r);
    }
    let mut out = String::from("<?xml version=\"1.0\" ?>\n<updates>");
    for (id, recs) in by_id {
        let r0 = recs[0];
        let severity = r0.vendor_severity.clone().unwrap_or_else(|| {
            r0.severity
                .unwrap_or(Severity::Medium)
                .as_str()
                .to_ascii_lowercase()
        });
        let _ = write!(
            out,
            "<update author=\"kensa-synth\" status=\"final\" type=\"security\" version=\"1.4\"><id>{}</id><title>{}</title><severity>{}</severity><references>",
            xml_escape(id),
            xml_escape(&r0.title),
            xml_escape(&severity)
        );
        for c in &r0.cves {
            let _ = write!(out, "<reference type=\"cve\" id=\"{c}\" href=\"https://nvd.nist.gov/vuln/detail/{c}\"/>");
        }
        out.push_str("</references><pkglist><collection short=\"amazon-linux-2023\">");
        for r in recs {
            let fixed = r.fixed.as_deref().unwrap_or("0");
            let e = crate::version::rpm::Evr::split(fixed);
            let _ = write!(
                out,
                "<package name=\"{}\" epoch=\"{}\" version=\"{}\" release=\"{}\" arch=\"x86_64\"/>",
                xml_escape(&r.package),
                if e.epoch.is_empty() { "0" } else { e.epoch },
                xml_escape(e.version),
                xml_escape(e.release.unwrap_or(""))
            );
        }
        out.push_str("</collection></pkglist></update>\n");
    }
    out.push_str("</updates>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_set_roundtrips_through_the_importer() {
        let cfg = SynthConfig {
            advisories: 50,
            package_pool: 100,
            installed: 40,
            seed: 7,
        };
        let (records, inv) = generate(&cfg);
        assert_eq!(generate(&cfg).0, records, "deterministic");
        assert_eq!(inv.packages.len(), 40);
        let xml = updateinfo_xml(&records);
        let mut back = crate::feeds::alas::parse_updateinfo(xml.as_bytes(), "synth.xml", None);
        assert!(back.problems.is_empty(), "{:?}", back.problems);
        crate::advisory::normalise(&mut back.records);
        assert_eq!(back.records, records);
    }
}
