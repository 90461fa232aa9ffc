//! Checks an import before it replaces anything. A truncated download, an HTML error
//! page or an empty file parses into fewer records (or none), and applying it would
//! silently drop advisories: a host would then scan clean because the data was lost.

use std::collections::BTreeMap;

use super::Import;
use crate::advisory::AdvisoryRecord;

/// A (source, distro, release) group shrinking by more than this fraction is refused.
/// Vendors withdraw advisories rarely and a few at a time.
pub const MAX_SHRINK: f64 = 0.10;

type Group = (String, String, String);

fn group(r: &AdvisoryRecord) -> Group {
    (r.source.clone(), r.distro.clone(), r.release.clone())
}

fn counts<'a>(records: impl Iterator<Item = &'a AdvisoryRecord>) -> BTreeMap<Group, usize> {
    let mut out = BTreeMap::new();
    for r in records {
        *out.entry(group(r)).or_insert(0) += 1;
    }
    out
}

/// Why `import` must not replace `existing` (empty: it may). Each reason names the
/// group and the counts.
pub fn refusals(existing: &[AdvisoryRecord], import: &Import) -> Vec<String> {
    if import.records.is_empty() {
        let why = match import.problems.first() {
            Some(p) => format!(" (first problem: {p})"),
            None => String::new(),
        };
        return vec![format!(
            "the feed holds no advisory records: empty, truncated or not a feed{why}"
        )];
    }
    let old = counts(existing.iter());
    let new = counts(import.records.iter());
    let mut out = Vec::new();
    for (g, &n) in &new {
        let Some(&before) = old.get(g) else { continue };
        if (n as f64) < before as f64 * (1.0 - MAX_SHRINK) {
            let (source, distro, release) = g;
            out.push(format!(
                "{distro} {release} ({source}) would shrink from {before} to {n} records (-{:.0}%): truncated or partial feed?",
                100.0 * (before - n) as f64 / before as f64
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advisory::FixState;
    use crate::version::Scheme;

    fn rec(release: &str, id: usize) -> AdvisoryRecord {
        AdvisoryRecord {
            distro: "amazon".into(),
            release: release.into(),
            package: format!("p{id}"),
            id: format!("ALAS-{id}"),
            scheme: Scheme::Rpm,
            fix_state: FixState::Fixed,
            introduced: None,
            fixed: Some("1.0-1".into()),
            last_affected: None,
            severity: None,
            vendor_severity: None,
            cves: vec![],
            title: String::new(),
            url: String::new(),
            source: "alas".into(),
        }
    }

    #[test]
    fn sharp_shrinks_and_empty_imports_are_refused() {
        let old: Vec<_> = (0..223).map(|i| rec("2023", i)).collect();
        let truncated = Import {
            records: (0..131).map(|i| rec("2023", i)).collect(),
            ..Default::default()
        };
        let r = refusals(&old, &truncated);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(
            r[0].contains("amazon 2023 (alas) would shrink from 223 to 131"),
            "{r:?}"
        );
        let grown = Import {
            records: (0..230).map(|i| rec("2023", i)).collect(),
            ..Default::default()
        };
        assert!(refusals(&old, &grown).is_empty());
        let other_release = Import {
            records: vec![rec("2", 1)],
            ..Default::default()
        };
        assert!(refusals(&old, &other_release).is_empty());
        let r = refusals(&old, &Import::default());
        assert!(r[0].contains("no advisory records"), "{r:?}");
    }
}
