//! Compiled rules, their priorities, and the per-event-name index.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;

use crate::cond::ast::Op;
use crate::cond::compile::{CRhs, Check};
use crate::cond::Node;
use crate::origin::CredentialOrigin;
use crate::output::Template;

/// Falco's priorities, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Priority {
    /// `EMERGENCY`: the system is unusable.
    Emergency,
    /// `ALERT`: action must be taken immediately.
    Alert,
    /// `CRITICAL`: a critical condition (kensa's rules use it for account takeover).
    Critical,
    /// `ERROR`: an error condition.
    Error,
    /// `WARNING`: a risky change worth a look.
    Warning,
    /// `NOTICE`: normal but significant.
    Notice,
    /// `INFO` or `INFORMATIONAL`: for the record.
    Informational,
    /// `DEBUG`: rule development only.
    Debug,
}

impl Priority {
    /// A priority as Falco's rule files write it, in any case (`INFO` and
    /// `INFORMATIONAL` alike); `None` for an unknown word.
    pub fn parse(s: &str) -> Option<Priority> {
        Some(match s.to_ascii_uppercase().as_str() {
            "EMERGENCY" => Priority::Emergency,
            "ALERT" => Priority::Alert,
            "CRITICAL" => Priority::Critical,
            "ERROR" => Priority::Error,
            "WARNING" => Priority::Warning,
            "NOTICE" => Priority::Notice,
            "INFO" | "INFORMATIONAL" => Priority::Informational,
            "DEBUG" => Priority::Debug,
            _ => return None,
        })
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Severity of a loader diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Level {
    /// The item (or file) is not loaded.
    Error,
    /// The item is loaded, but something in it is ignored or suspicious.
    Warning,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
        })
    }
}

/// A problem found while loading rules, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Whether the item was dropped (error) or loaded anyway (warning).
    pub level: Level,
    /// The rule file, as given.
    pub file: String,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// The rule, macro or list concerned, as `rule 'X'`, `macro 'Y'`, `list 'Z'`.
    pub item: Option<String>,
    /// What is wrong, and what was done about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    /// Compiler style: `file:line: error: rule 'X': message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: ", self.file, self.line, self.level)?;
        if let Some(item) = &self.item {
            write!(f, "{item}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A loaded rule.
#[derive(Debug)]
pub struct Rule {
    /// The rule's name (`rule:`), unique in a rule set; alerts carry it.
    pub name: String,
    /// `desc:`, what the rule detects.
    pub desc: String,
    /// `priority:`, copied into every alert.
    pub priority: Priority,
    /// `tags:` (MITRE ATT&CK ids and the like).
    pub tags: Vec<String>,
    /// `source:`; only `aws_cloudtrail` rules are evaluated.
    pub source: String,
    /// `enabled:`; a disabled rule is loaded (it can be enabled by a later file) but never
    /// evaluated.
    pub enabled: bool,
    /// The file that declared the rule.
    pub file: String,
    /// The 1-based line of its `- rule:`.
    pub line: usize,
    pub(crate) condition: Node,
    pub(crate) output: Template,
    /// The event names the condition is pinned to (None: all events of the source).
    pub event_names: Option<Vec<String>>,
}

/// Rules compiled once, indexed by the event names they can match.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    /// Enabled rules per event name, in load order, including the unpinned ones. Every
    /// record consults it; the names come from the rules, not from the events, so a keyed
    /// (DoS-resistant) hash buys nothing here and Fx is several times cheaper.
    pub(crate) by_name: HashMap<String, Vec<usize>, rustc_hash::FxBuildHasher>,
    /// Enabled rules not pinned to event names, in load order.
    pub(crate) unpinned: Vec<usize>,
    /// Per rule: it can only match a call made with an instance profile's credentials
    /// (it checks `ec2.creds.*`), so a record without such a session is not parsed for
    /// it. Keeps an unpinned rule of that kind from parsing every event.
    pub(crate) needs_instance_session: Vec<bool>,
    /// Per rule: whether it can only match when `ec2.creds.outside` is "true".
    needs_outside: Vec<bool>,
}

impl RuleSet {
    pub(crate) fn new(rules: Vec<Rule>) -> RuleSet {
        let mut named: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut unpinned = Vec::new();
        for (i, r) in rules.iter().enumerate().filter(|(_, r)| r.enabled) {
            match &r.event_names {
                Some(names) => names
                    .iter()
                    .for_each(|n| named.entry(n.clone()).or_default().push(i)),
                None => unpinned.push(i),
            }
        }
        let by_name = named
            .into_iter()
            .map(|(name, mut idx)| {
                idx.extend(&unpinned);
                idx.sort_unstable();
                idx.dedup();
                (name, idx)
            })
            .collect();
        let needs_instance_session = rules
            .iter()
            .map(|r| needs_instance_session(&r.condition))
            .collect();
        let needs_outside = rules
            .iter()
            .map(|r| requires(&r.condition, &is_outside_true, &mut HashMap::new()))
            .collect();
        RuleSet {
            rules,
            by_name,
            unpinned,
            needs_instance_session,
            needs_outside,
        }
    }

    /// All rules, enabled or not, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// How many rules will be evaluated.
    pub fn enabled_count(&self) -> usize {
        self.rules.iter().filter(|r| r.enabled).count()
    }

    /// Whether a rule can only match events made with instance-profile credentials.
    pub(crate) fn needs_instance_session(&self, rule: usize) -> bool {
        self.needs_instance_session[rule]
    }

    /// Whether a rule can only match when `ec2.creds.outside` is "true".
    pub(crate) fn needs_outside(&self, rule: usize) -> bool {
        self.needs_outside[rule]
    }

    /// Indices of the rules an event with this name must be checked against.
    pub(crate) fn candidates(&self, event_name: Option<&str>) -> &[usize] {
        event_name
            .and_then(|n| self.by_name.get(n))
            .map_or(&self.unpinned, Vec::as_slice)
    }
}

/// True when the condition is false for every event without an instance-profile session:
/// a check on `ec2.creds.*` (a missing value makes any comparison false) that must hold.
/// `false` is always safe (the rule is then evaluated on every candidate record).
fn needs_instance_session(node: &Node) -> bool {
    requires(node, &is_session_check, &mut HashMap::new())
}

fn is_session_check(c: &Check) -> bool {
    use crate::fields::Source;
    matches!(
        c.lhs.def.source,
        Source::Ec2CredsInstance | Source::Ec2CredsOutside
    )
}

/// `ec2.creds.outside = "true"`, the field untransformed.
fn is_outside_true(c: &Check) -> bool {
    c.lhs.def.source == crate::fields::Source::Ec2CredsOutside
        && c.lhs.transforms.is_empty()
        && c.op == Op::Eq
        && matches!(&c.rhs, CRhs::Str(s) if s == "true")
}

/// True when the condition is false for every event on which no `check` can hold:
/// one such check must hold in every branch. `false` is always safe. Shared macros are
/// judged once each, so a chain of macros that each use the next twice costs linear, not
/// exponential, time.
fn requires(node: &Node, check: &dyn Fn(&Check) -> bool, memo: &mut HashMap<usize, bool>) -> bool {
    match node {
        Node::Check(c) => check(c),
        Node::And(items) => items.iter().any(|n| requires(n, check, memo)),
        Node::Or(items) => !items.is_empty() && items.iter().all(|n| requires(n, check, memo)),
        Node::Not(_) => false,
        Node::Macro(m) => {
            let key = std::sync::Arc::as_ptr(m) as usize;
            if let Some(&known) = memo.get(&key) {
                return known;
            }
            let known = requires(&m.node, check, memo);
            memo.insert(key, known);
            known
        }
        Node::Memo(inner) => requires(inner, check, memo),
    }
}

/// Whether no top-level `sourceIPAddress` of the raw record can make `ec2.creds.outside`
/// "true" under `origin`, read from the bytes without a parse; `false` when unsure.
/// Only decidable without a snapshot of instance addresses (the verdict then does not
/// depend on the instance). Every member named `sourceIPAddress`, at any depth, must
/// have a plain string value that `origin` places inside: a superset of the top-level
/// one(s). A key can only be spelled otherwise with a `\u` escape, so records holding
/// one are left to the parse.
pub(crate) fn source_not_outside(raw: &[u8], origin: &CredentialOrigin) -> bool {
    const KEY: &[u8] = b"\"sourceIPAddress\"";
    // Searchers built once (building one per call cost more than the search).
    static ESCAPE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\\u"));
    static KEY_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(KEY));
    if origin.instances.is_some() || ESCAPE.find(raw).is_some() {
        return false;
    }
    for hit in KEY_FINDER.find_iter(raw) {
        let colon = crate::scan::skip_ws(raw, hit + KEY.len());
        if raw.get(colon) != Some(&b':') {
            continue; // a string value, not a key
        }
        let open = crate::scan::skip_ws(raw, colon + 1);
        if raw.get(open) != Some(&b'"') {
            return false;
        }
        let Some(len) = memchr::memchr2(b'"', b'\\', &raw[open + 1..]) else {
            return false;
        };
        let value = &raw[open + 1..open + 1 + len];
        if raw[open + 1 + len] != b'"' {
            return false; // escaped: left to the parse
        }
        let Ok(value) = std::str::from_utf8(value) else {
            return false;
        };
        if origin.outside("", value) == Some(true) {
            return false;
        }
    }
    true
}
