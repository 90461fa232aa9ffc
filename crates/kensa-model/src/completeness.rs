//! What an analysis could not see: the part of every result that says how much to trust it.
//!
//! A security tool's worst failure is a clean report on data it could not read. So the
//! loader records, beside the snapshot, every input it lacked or rejected: resource kinds
//! with no `describe-*` output at all, files it could not read, items it skipped, references
//! to resources that are not there. Commands print it in their summary and exit with status
//! 3 ("incomplete input") when any of it is error-level.
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::resource_type::ResourceType;
use crate::snapshot::{Warning, WarningLevel};

/// Kinds whose absence makes reachability unknowable once any network-attached resource
/// (instance, interface, load balancer) is loaded: without them "no path" would be a guess.
pub const NETWORK_INPUTS: &[ResourceType] = &[
    ResourceType::Vpc,
    ResourceType::Subnet,
    ResourceType::RouteTable,
    ResourceType::NetworkAcl,
    ResourceType::SecurityGroup,
];

/// A resource kind the analysis needed and the snapshot has no output for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MissingInput {
    /// The resource type whose output is missing or incomplete.
    pub resource_type: ResourceType,
    /// The `describe-*` key that would have listed it (`SecurityGroups`).
    pub key: String,
    /// Why it is needed.
    pub reason: String,
}

/// How complete the input of one result was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Completeness {
    /// True when no error-level input problem exists.
    pub complete: bool,
    /// `describe-*` documents read (at least one result key recognised).
    pub documents: usize,
    /// Files (or whole documents) that could not be read at all.
    pub files_rejected: usize,
    /// Items (and values inside them) rejected; the rest of their file loaded.
    pub items_skipped: usize,
    /// References to resources that are not in the snapshot.
    pub dangling_references: usize,
    /// Error-level problems in all (the ones above, missing inputs, others).
    pub errors: usize,
    /// Kinds the loaded resources need and no file provides (error-level).
    #[serde(default)]
    pub missing: Vec<MissingInput>,
    /// Kinds no file provides at all (what a control about them cannot evaluate).
    #[serde(default)]
    pub absent: Vec<ResourceType>,
    /// Kinds some of whose records were rejected, with how many.
    #[serde(default)]
    pub partial: BTreeMap<ResourceType, usize>,
}

impl Completeness {
    /// Derives the counts from the loader's warnings and what it saw per kind.
    pub(crate) fn from_load(
        warnings: &[Warning],
        documents: usize,
        present: &BTreeMap<ResourceType, usize>,
        partial: BTreeMap<ResourceType, usize>,
    ) -> Completeness {
        let mut c = Completeness {
            documents,
            partial,
            ..Completeness::default()
        };
        c.absent = ResourceType::ALL
            .iter()
            .copied()
            .filter(|t| !present.contains_key(t))
            .collect();
        let has = |t: ResourceType| present.get(&t).is_some_and(|&n| n > 0);
        let attached = [
            ResourceType::Instance,
            ResourceType::NetworkInterface,
            ResourceType::Elbv2LoadBalancer,
            ResourceType::ElbLoadBalancer,
        ];
        if attached.iter().any(|&t| has(t)) {
            for &t in NETWORK_INPUTS.iter().filter(|t| !present.contains_key(t)) {
                c.missing.push(MissingInput {
                    resource_type: t,
                    key: t.describe_key().to_string(),
                    reason: format!(
                        "no {} output (`{}`) in the snapshot: reachability of the loaded \
                         instances and load balancers through them is unknown",
                        t.human_name(),
                        t.describe_key()
                    ),
                });
            }
        }
        c.count(warnings);
        c.errors += c.missing.len() + usize::from(documents == 0);
        c.complete = c.errors == 0;
        c
    }

    fn count(&mut self, warnings: &[Warning]) {
        for w in warnings {
            if w.message.contains("which is not in the snapshot") {
                self.dangling_references += 1;
            }
            if w.level != WarningLevel::Error {
                continue;
            }
            self.errors += 1;
            if w.path.is_empty() || w.path == "$" {
                self.files_rejected += 1;
            } else {
                self.items_skipped += 1;
            }
        }
    }

    /// Adds the error-level problems an analysis found after loading.
    pub fn absorb(&mut self, later: &[Warning]) {
        let errors = later.iter().filter(|w| w.level == WarningLevel::Error);
        self.errors += errors.count();
        self.complete = self.errors == 0;
    }

    /// Why a control about `kind` cannot be evaluated, when its input is lacking.
    pub fn lacking(&self, kind: ResourceType) -> Option<String> {
        if self.documents == 0 {
            return Some("the snapshot holds no describe-* output".to_string());
        }
        if self.absent.contains(&kind) {
            return Some(format!(
                "no {} output (`{}`) in the snapshot",
                kind.human_name(),
                kind.describe_key()
            ));
        }
        self.partial.get(&kind).map(|n| {
            format!(
                "{n} {} record(s) could not be read (see the input warnings)",
                kind.human_name()
            )
        })
    }

    /// The problems, one per line, for stderr (empty when complete).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.documents == 0 {
            out.push("no describe-* output found: nothing was analysed".to_string());
        }
        out.extend(self.missing.iter().map(|m| m.reason.clone()));
        out
    }
}

impl fmt::Display for Completeness {
    /// `complete` or `INCOMPLETE (2 files rejected, 3 items skipped, ...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if self.documents == 0 {
            parts.push("no input".to_string());
        }
        let counts = [
            (self.files_rejected, "file rejected", "files rejected"),
            (self.items_skipped, "item skipped", "items skipped"),
            (
                self.dangling_references,
                "dangling reference",
                "dangling references",
            ),
        ];
        for (n, one, many) in counts {
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        if !self.missing.is_empty() {
            let keys: Vec<&str> = self.missing.iter().map(|m| m.key.as_str()).collect();
            parts.push(format!("missing {}", keys.join(", ")));
        }
        let word = if self.complete {
            "complete"
        } else {
            "INCOMPLETE"
        };
        if parts.is_empty() {
            write!(f, "{word} input")
        } else {
            write!(f, "{word} input ({})", parts.join(", "))
        }
    }
}
