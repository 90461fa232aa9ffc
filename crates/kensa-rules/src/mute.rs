//! Mute lists: suppress known, accepted findings, with a reason and an optional expiry.
//!
//! ```yaml
//! mutes:
//!   - rule: "fsbp:EC2.19"        # glob over the rule id or the CONTROL attribute
//!     resource: "sg-0abc*"       # glob over the resource id or ARN
//!     tags: {env: sandbox}       # every tag must match (values are globs)
//!     account: "123456789012"    # glob
//!     region: "eu-*"             # glob
//!     reason: "sandbox, no data; reviewed 2026-01 by J. Doe"
//!     expires: 2026-12-31        # optional; on and after this date the mute no longer applies
//! ```
//! Every selector given must match; at least one is required, and so is the reason. A
//! muted finding keeps its place with status `suppressed` and attributes `MUTED_BY`
//! (the entry's index) and `MUTE_REASON`. Expiry is compared with a date the caller
//! passes in (`YYYY-MM-DD`), never with the clock.
use std::collections::BTreeMap;
use std::path::Path;

use kensa_model::{Finding, FindingStatus};
use serde::Deserialize;

use crate::error::{RulesError, YamlError};
use crate::yaml;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
/// One accepted finding pattern: every given field must match.
pub struct Mute {
    #[serde(default)]
    /// Rule id glob (`fsbp:EC2.*`).
    pub rule: Option<String>,
    #[serde(default)]
    /// Resource id or ARN glob.
    pub resource: Option<String>,
    #[serde(default)]
    /// Tags the resource must have (exact values).
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    /// Account id glob.
    pub account: Option<String>,
    #[serde(default)]
    /// Region glob.
    pub region: Option<String>,
    /// Why the finding is accepted (required).
    pub reason: String,
    #[serde(default)]
    /// `YYYY-MM-DD`; the mute stops applying after it.
    pub expires: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
/// A mute list file.
pub struct MuteList {
    /// The mutes, in file order.
    pub mutes: Vec<Mute>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    mutes: Vec<Mute>,
}

/// What applying a mute list did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MuteSummary {
    /// Findings suppressed.
    pub suppressed: usize,
    /// Indexes of entries past their expiry date (they muted nothing).
    pub expired: Vec<usize>,
    /// Indexes of live entries that matched no finding (stale mutes).
    pub unused: Vec<usize>,
}

impl MuteList {
    /// Reads and parses a mute list file.
    pub fn load(path: &Path) -> Result<MuteList, RulesError> {
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self::parse(&path.display().to_string(), &text)?)
    }

    /// Parses a mute list; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<MuteList, YamlError> {
        let raw: FileFormat = yaml::parse(file, text)?;
        for (n, m) in raw.mutes.iter().enumerate() {
            let err = |key: &str, message: &str| YamlError {
                file: file.to_string(),
                line: yaml::locate(text, "mutes", n, Some(key)),
                key: format!("mutes[{n}].{key}"),
                message: message.to_string(),
            };
            if m.reason.trim().is_empty() {
                return Err(err("reason", "a mute needs a reason"));
            }
            let selects = m.rule.is_some()
                || m.resource.is_some()
                || !m.tags.is_empty()
                || m.account.is_some()
                || m.region.is_some();
            if !selects {
                return Err(err(
                    "reason",
                    "a mute needs at least one of rule, resource, tags, account, region",
                ));
            }
            if let Some(d) = &m.expires {
                if !is_date(d) {
                    return Err(err("expires", &format!("`{d}` is not a date (YYYY-MM-DD)")));
                }
            }
        }
        Ok(MuteList { mutes: raw.mutes })
    }

    /// Suppresses the findings a live entry matches. `today` is `YYYY-MM-DD`.
    pub fn apply<'a>(
        &self,
        findings: impl IntoIterator<Item = &'a mut Finding>,
        today: &str,
    ) -> MuteSummary {
        let mut summary = MuteSummary::default();
        let live: Vec<(usize, &Mute)> = self
            .mutes
            .iter()
            .enumerate()
            .filter(|(i, m)| {
                let expired = m.expires.as_deref().is_some_and(|d| today >= d);
                if expired {
                    summary.expired.push(*i);
                }
                !expired
            })
            .collect();
        let mut used = vec![false; self.mutes.len()];
        for f in findings {
            if let Some((i, m)) = live.iter().find(|(_, m)| m.matches(f)) {
                used[*i] = true;
                if f.status != FindingStatus::Suppressed {
                    f.status = FindingStatus::Suppressed;
                    f.attributes
                        .insert("MUTED_BY".into(), format!("mutes[{i}]"));
                    f.attributes.insert("MUTE_REASON".into(), m.reason.clone());
                    summary.suppressed += 1;
                }
            }
        }
        summary.unused = live.iter().map(|(i, _)| *i).filter(|i| !used[*i]).collect();
        summary
    }
}

impl Mute {
    /// Whether this mute matches `f` (ignoring expiry).
    pub fn matches(&self, f: &Finding) -> bool {
        let opt = |pat: &Option<String>, values: &[&str]| {
            pat.as_deref()
                .is_none_or(|p| values.iter().any(|v| glob(p, v)))
        };
        let control = f
            .attributes
            .get("CONTROL")
            .map(String::as_str)
            .unwrap_or("");
        let arn = f.resource.arn.as_deref().unwrap_or("");
        opt(&self.rule, &[&f.rule_id, control])
            && opt(&self.resource, &[&f.resource.id, arn])
            && opt(&self.account, &[&f.resource.account])
            && opt(&self.region, &[&f.resource.region])
            && self
                .tags
                .iter()
                .all(|(k, v)| f.resource.tags.get(k).is_some_and(|have| glob(v, have)))
    }
}

/// A real `YYYY-MM-DD` calendar date: `2030-02-30` and `2027-02-29` are not.
pub fn is_date(d: &str) -> bool {
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let year: u32 = d[0..4].parse().unwrap_or(0);
    let month: u32 = d[5..7].parse().unwrap_or(0);
    let day: u32 = d[8..10].parse().unwrap_or(0);
    (1..=days_in_month(year, month)).contains(&day)
}

/// 0 for a month outside 1-12.
fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// Shell-style glob: `*` any run, `?` one character; case-sensitive, whole string.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use kensa_model::{Package, ResourceRef, Severity};

    fn finding(rule: &str, id: &str, tags: &[(&str, &str)]) -> Finding {
        Finding {
            id: id.into(),
            package: Package::Config,
            rule_id: rule.into(),
            title: String::new(),
            severity: Severity::High,
            description: String::new(),
            recommendation: String::new(),
            resource: ResourceRef {
                resource_type: "AwsEc2SecurityGroup".into(),
                id: id.into(),
                arn: Some(format!(
                    "arn:aws:ec2:eu-west-1:111122223333:security-group/{id}"
                )),
                account: "111122223333".into(),
                region: "eu-west-1".into(),
                tags: tags
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            },
            attributes: BTreeMap::from([("CONTROL".into(), "EC2.19".into())]),
            evidence: None,
            compliance: vec![],
            references: vec![],
            first_seen: None,
            last_seen: None,
            status: FindingStatus::Active,
        }
    }

    #[test]
    fn mute_expiry_must_be_a_calendar_date() {
        for bad in [
            "2030-02-30",
            "2027-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
        ] {
            assert!(!is_date(bad), "{bad}");
            let text = format!("mutes:\n  - rule: x\n    reason: ok\n    expires: {bad}\n");
            let e = MuteList::parse("m.yaml", &text).unwrap_err();
            assert_eq!((e.line, e.key.as_str()), (4, "mutes[0].expires"), "{e}");
            assert!(e.to_string().contains(bad), "{e}");
        }
        for good in ["2028-02-29", "2000-02-29", "2026-12-31", "2026-04-30"] {
            assert!(is_date(good), "{good}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]

        /// Damaged mute lists and frameworks: an error naming the file, never a panic.
        #[test]
        fn damaged_mute_and_framework_yaml(
            at in 0usize..400,
            cut in 0usize..400,
            junk in proptest::collection::vec(proptest::sample::select(&b"-:[]{}'\"&*!|>#%@ \n\t0123456789.eE"[..]), 0..12),
        ) {
            let seeds = [
                "mutes:\n  - rule: EC2.19\n    tags: {env: sandbox*}\n    reason: sandbox\n  - resource: 'arn:*/sg-2'\n    region: eu-*\n    reason: accepted\n    expires: 2026-06-01\n",
                "id: acme\ntitle: t\ncontrols:\n  - id: NET-1\n    rule: fsbp:EC2.18\n    parameters:\n      authorizedTcpPorts: [443, 8443]\n  - rule: restricted-ssh\n",
            ];
            for (k, seed) in seeds.iter().enumerate() {
                let mut b = seed.as_bytes().to_vec();
                let at = at % (b.len() + 1);
                b.splice(at..at, junk.iter().copied());
                b.truncate(b.len() - cut.min(b.len()) / 4);
                let text = String::from_utf8_lossy(&b);
                let err = if k == 0 {
                    MuteList::parse("m.yaml", &text).err().map(|e| e.file)
                } else {
                    crate::framework::parse("f.yaml", &text).err().map(|e| e.file)
                };
                if let Some(file) = err {
                    proptest::prop_assert!(file == "m.yaml" || file == "f.yaml");
                }
            }
        }
    }

    #[test]
    fn globs() {
        assert!(glob("sg-0ab*", "sg-0abc"));
        assert!(glob("*:security-group/sg-?", "arn:x:security-group/sg-1"));
        assert!(!glob("sg-0ab", "sg-0abc"));
        assert!(glob("*", ""));
    }

    #[test]
    fn mutes_by_selectors_and_expiry() {
        let list = MuteList::parse(
            "m.yaml",
            "mutes:\n  - rule: EC2.19\n    tags: {env: sandbox*}\n    reason: sandbox\n  - resource: 'arn:*/sg-2'\n    region: eu-*\n    reason: accepted\n    expires: 2026-06-01\n",
        )
        .unwrap();
        let mut fs = [
            finding("fsbp:EC2.19", "sg-1", &[("env", "sandbox-3")]),
            finding("fsbp:EC2.19", "sg-2", &[]),
            finding("fsbp:EC2.18", "sg-3", &[("env", "prod")]),
        ];
        let s = list.apply(fs.iter_mut(), "2026-05-31");
        assert_eq!(s.suppressed, 2);
        assert_eq!(fs[0].status, FindingStatus::Suppressed);
        assert_eq!(fs[1].attributes["MUTE_REASON"], "accepted");
        assert_eq!(fs[2].status, FindingStatus::Active);

        let mut fs = [finding("fsbp:EC2.19", "sg-2", &[])];
        let s = list.apply(fs.iter_mut(), "2026-06-01");
        assert_eq!((s.suppressed, s.expired.as_slice()), (0, &[1][..]));
    }

    #[test]
    fn bad_mute_lists_name_file_line_and_key() {
        let e = MuteList::parse("m.yaml", "mutes:\n  - rule: x\n    reason: ok\n  - rule: y\n    reason: ok\n    expires: next week\n").unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.line, e.key.as_str()),
            ("m.yaml", 6, "mutes[1].expires"),
            "{e}"
        );
        let e = MuteList::parse("m.yaml", "mutes:\n  - rule: x\n    reason: ''\n").unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (3, "mutes[0].reason"), "{e}");
        let e = MuteList::parse(
            "m.yaml",
            "mutes:\n  - rule: x\n    reason: ok\n    resorce: sg-1\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.key.contains("resorce"), "{e}");
        let e = MuteList::parse("m.yaml", "mutes:\n  - rule: x\n").unwrap_err();
        assert!(e.message.contains("reason"), "{e}");
    }
}
