//! AWS's security-group quotas, as the planner must respect them.
//!
//! AWS (VPC quotas, "Security groups"): 60 inbound and 60 outbound rules per group by
//! default, enforced separately for IPv4 and IPv6 rules; a rule that references a
//! security group counts once for each family; a referenced prefix list counts as its
//! maximum number of entries; at most 5 groups per network interface; and rules per
//! group × groups per interface may not exceed 1,000. Some endpoints (moto) count both
//! families together: [`RuleCounting::Combined`].
use kensa_model::Snapshot;
use serde::{Deserialize, Serialize};

use super::rule::{RuleSpec, Source};

/// AWS's cap on rules per group × groups per interface.
pub const RULES_TIMES_GROUPS_MAX: u32 = 1000;

/// How rules count against the per-group quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RuleCounting {
    /// AWS: IPv4 and IPv6 rules have a quota each.
    #[default]
    PerFamily,
    /// Both families count against one quota (moto, and a conservative choice).
    Combined,
}

/// The quotas a plan must fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SgQuotas {
    /// Inbound (and, separately, outbound) rules per group (per family in
    /// [`RuleCounting::PerFamily`]).
    pub rules_per_group: u32,
    /// Security groups per network interface (AWS default 5); only its product with
    /// `rules_per_group` is checked, since a plan never changes an interface's groups.
    pub groups_per_interface: u32,
    /// Whether IPv4 and IPv6 rules are counted apart (AWS) or together (moto).
    pub counting: RuleCounting,
}

impl Default for SgQuotas {
    fn default() -> Self {
        SgQuotas {
            rules_per_group: 60,
            groups_per_interface: 5,
            counting: RuleCounting::PerFamily,
        }
    }
}

/// Quotas AWS could not have.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QuotaError {
    /// A quota of 0 (which one).
    #[error("the {0} quota must be at least 1")]
    Zero(&'static str),
    /// Rules per group × groups per interface above AWS's ceiling of 1,000.
    #[error(
        "{rules} rules per group × {groups} groups per interface = {} exceeds AWS's limit of {RULES_TIMES_GROUPS_MAX}",
        u64::from(*rules) * u64::from(*groups)
    )]
    Product {
        /// Rules per group asked for.
        rules: u32,
        /// Groups per interface asked for.
        groups: u32,
    },
}

impl SgQuotas {
    /// Quotas AWS could have: both at least 1, product at most 1,000.
    pub fn new(
        rules_per_group: u32,
        groups_per_interface: u32,
        counting: RuleCounting,
    ) -> Result<SgQuotas, QuotaError> {
        let q = SgQuotas {
            rules_per_group,
            groups_per_interface,
            counting,
        };
        q.validate()?;
        Ok(q)
    }

    /// Checks these quotas are ones AWS could have (see [`SgQuotas::new`]).
    pub fn validate(&self) -> Result<(), QuotaError> {
        if self.rules_per_group == 0 {
            return Err(QuotaError::Zero("rules per security group"));
        }
        if self.groups_per_interface == 0 {
            return Err(QuotaError::Zero("security groups per interface"));
        }
        let product = u64::from(self.rules_per_group) * u64::from(self.groups_per_interface);
        if product > u64::from(RULES_TIMES_GROUPS_MAX) {
            return Err(QuotaError::Product {
                rules: self.rules_per_group,
                groups: self.groups_per_interface,
            });
        }
        Ok(())
    }
}

/// One counter of the quota: direction and (per-family counting) address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Counter {
    /// Inbound IPv4 rules (per-family counting).
    InboundV4,
    /// Inbound IPv6 rules (per-family counting).
    InboundV6,
    /// Inbound rules of both families (combined counting).
    Inbound,
    /// Outbound IPv4 rules (per-family counting).
    OutboundV4,
    /// Outbound IPv6 rules (per-family counting).
    OutboundV6,
    /// Outbound rules of both families (combined counting).
    Outbound,
}

impl Counter {
    /// The counter as a plan's note names it (`inbound IPv4`).
    pub fn describe(self) -> &'static str {
        match self {
            Counter::InboundV4 => "inbound IPv4",
            Counter::InboundV6 => "inbound IPv6",
            Counter::Inbound => "inbound",
            Counter::OutboundV4 => "outbound IPv4",
            Counter::OutboundV6 => "outbound IPv6",
            Counter::Outbound => "outbound",
        }
    }
}

/// Rule counts of one group, per [`Counter`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage(std::collections::BTreeMap<Counter, u64>);

impl Usage {
    /// Rules counted against `c` (0 when none).
    pub fn get(&self, c: Counter) -> u64 {
        self.0.get(&c).copied().unwrap_or(0)
    }

    /// The counters above `limit` that `self` raised compared with `before` (AWS refuses
    /// an authorisation that leaves a counter above the quota; a group already above it
    /// for another reason is not this plan's doing).
    pub fn exceeded(&self, before: &Usage, limit: u32) -> Vec<(Counter, u64)> {
        self.0
            .iter()
            .filter(|(c, n)| **n > u64::from(limit) && **n > before.get(**c))
            .map(|(c, n)| (*c, *n))
            .collect()
    }
}

/// Counts rules the way the quota does. Prefix list sizes come from the snapshot.
pub struct RuleCounter<'a> {
    /// Where referenced prefix lists' maximum entries are looked up.
    pub snapshot: &'a Snapshot,
    /// Per family or combined.
    pub counting: RuleCounting,
}

impl RuleCounter<'_> {
    /// A referenced prefix list's weight: its maximum entries (what AWS charges), else
    /// its known entries; a list the snapshot does not hold counts as 1 (`None`).
    pub fn prefix_list_weight(&self, id: &str) -> Option<(u64, Option<bool>)> {
        let list = self.snapshot.prefix_lists.get(id)?;
        let known = list.entries.len().max(list.cidrs.len()).max(1) as u64;
        let weight = list
            .max_entries
            .and_then(|m| u64::try_from(m).ok())
            .filter(|m| *m > 0)
            .unwrap_or(known);
        let v6 = match list.address_family.as_deref() {
            Some(f) if f.eq_ignore_ascii_case("ipv6") => Some(true),
            Some(f) if f.eq_ignore_ascii_case("ipv4") => Some(false),
            _ => None,
        };
        Some((weight, v6))
    }

    /// What one rule adds to each counter.
    fn charge(&self, r: &RuleSpec) -> Vec<(Counter, u64)> {
        let (v4, v6, all) = if r.egress {
            (Counter::OutboundV4, Counter::OutboundV6, Counter::Outbound)
        } else {
            (Counter::InboundV4, Counter::InboundV6, Counter::Inbound)
        };
        let (weight, family) = match &r.source {
            Source::CidrIpv4(_) => (1, Some(false)),
            Source::CidrIpv6(_) => (1, Some(true)),
            Source::Group { .. } => (1, None),
            Source::PrefixList(id) => self.prefix_list_weight(id).unwrap_or((1, None)),
        };
        match (self.counting, family) {
            (RuleCounting::Combined, _) => vec![(all, weight)],
            (RuleCounting::PerFamily, Some(false)) => vec![(v4, weight)],
            (RuleCounting::PerFamily, Some(true)) => vec![(v6, weight)],
            // A group reference (or a list of unknown family) counts for both families.
            (RuleCounting::PerFamily, None) => vec![(v4, weight), (v6, weight)],
        }
    }

    /// The usage of a set of rules (each distinct rule once).
    pub fn usage<'r>(&self, rules: impl IntoIterator<Item = &'r RuleSpec>) -> Usage {
        let mut u = Usage::default();
        for r in rules {
            for (c, n) in self.charge(r) {
                *u.0.entry(c).or_default() += n;
            }
        }
        u
    }
}
