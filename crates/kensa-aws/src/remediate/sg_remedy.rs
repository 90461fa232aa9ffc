//! The security-group change as a [`Remedy`]: add the kept rules, then revoke the
//! offending ones; a failure halfway puts back what this action changed; verification
//! answers only for what this action is responsible for.
use aws_sdk_ec2::Client;

use super::journal::Captured;
use super::live::{self, GroupState};
use super::plan::{authorize_action, revoke_action};
use super::remedies::{call, Remedy};
use super::rule::{Proto, RuleSpec, Source};
use crate::error::AwsError;
use kensa_model::ports::{PortSet, RestrictedPorts};

/// Adds the kept rules first (so allowed ports never close, even briefly), then revokes
/// the offending ones by rule id.
pub(crate) struct GroupRules<'a> {
    pub group_id: &'a str,
    pub remove: &'a [RuleSpec],
    pub add: &'a [RuleSpec],
    pub restricted: &'a RestrictedPorts,
    /// Rules other actions of the plan remove from this group: verification leaves them
    /// to those actions.
    pub removed_by_others: &'a [RuleSpec],
}

/// What a write has done so far, so that a failure can undo exactly that.
#[derive(Default)]
struct Done {
    added: Vec<RuleSpec>,
    revoked: Vec<RuleSpec>,
}

impl Remedy for GroupRules<'_> {
    type State = GroupState;
    async fn read(&self, ec2: &Client) -> Result<GroupState, AwsError> {
        live::describe_group(ec2, self.group_id)
            .await
            .map_err(call("ec2:DescribeSecurityGroups"))
    }
    fn pending(&self, state: &GroupState, messages: &mut Vec<String>) -> Option<Vec<String>> {
        let specs = state.specs();
        let to_add = self
            .add
            .iter()
            .filter(|a| !specs.iter().any(|l| l.same_rule(a)));
        let to_remove = self
            .remove
            .iter()
            .filter(|r| find_live(&specs, r).is_some());
        for r in self
            .remove
            .iter()
            .filter(|r| find_live(&specs, r).is_none())
        {
            let id = r.rule_id.as_deref().unwrap_or("(no id)");
            messages.push(format!(
                "rule {id} {} no longer exists (changed since the plan)",
                r.describe()
            ));
        }
        let (adds, removes) = (to_add.count(), to_remove.count());
        (adds + removes > 0).then(|| vec![format!("would add {adds} and remove {removes} rule(s)")])
    }
    fn captured(&self, state: &GroupState) -> Captured {
        Captured::SecurityGroup(state.clone())
    }
    async fn write(&self, ec2: &Client, before: &GroupState) -> Result<(), AwsError> {
        let mut done = Done::default();
        let Err(e) = self.change(ec2, before, &mut done).await else {
            return Ok(());
        };
        if done.added.is_empty() && done.revoked.is_empty() {
            return Err(e);
        }
        match self.undo(ec2, before, &done).await {
            Ok(()) => Err(AwsError::Invalid(format!(
                "{e}; the group was put back exactly as it was before this action"
            ))),
            Err(u) => Err(AwsError::Invalid(format!(
                "{e}; putting the group back failed too ({u}): roll back with the journal"
            ))),
        }
    }
    fn verify(&self, state: &GroupState, messages: &mut Vec<String>) -> bool {
        let live: Vec<RuleSpec> = state
            .specs()
            .into_iter()
            .filter(|l| !self.removed_by_others.iter().any(|o| o.same_rule(l)))
            .collect();
        let exposed = still_exposed(&live, self.remove, self.restricted);
        let missing: Vec<String> = self
            .add
            .iter()
            .filter(|a| !live.iter().any(|l| l.same_rule(a)))
            .map(RuleSpec::describe)
            .collect();
        for e in &exposed {
            messages.push(format!("still open: {e}"));
        }
        for m in &missing {
            messages.push(format!("kept rule missing: {m}"));
        }
        exposed.is_empty() && missing.is_empty()
    }
    fn verify_unchanged(&self, state: &GroupState, messages: &mut Vec<String>) -> Option<bool> {
        Some(self.verify(state, messages))
    }
}

impl GroupRules<'_> {
    /// Authorises the kept rules one by one, then revokes the offending ones by id,
    /// recording each step in `done`.
    async fn change(
        &self,
        ec2: &Client,
        before: &GroupState,
        done: &mut Done,
    ) -> Result<(), AwsError> {
        let specs = before.specs();
        for a in self
            .add
            .iter()
            .filter(|a| !specs.iter().any(|l| l.same_rule(a)))
        {
            live::authorize(ec2, self.group_id, a)
                .await
                .map_err(call(authorize_action(a.egress)))?;
            done.added.push(a.clone());
        }
        let to_remove: Vec<&RuleSpec> = self
            .remove
            .iter()
            .filter_map(|r| find_live(&specs, r))
            .collect();
        for egress in [false, true] {
            let rules: Vec<&RuleSpec> = to_remove
                .iter()
                .copied()
                .filter(|r| r.egress == egress && r.rule_id.is_some())
                .collect();
            let ids: Vec<String> = rules.iter().filter_map(|r| r.rule_id.clone()).collect();
            live::revoke_ids(ec2, self.group_id, egress, &ids)
                .await
                .map_err(call(revoke_action(egress)))?;
            done.revoked.extend(rules.into_iter().cloned());
        }
        Ok(())
    }

    /// Puts back what `done` changed — re-adds the revoked rules, removes the added ones
    /// that were not there before — and checks the group's rules match `before` again.
    async fn undo(&self, ec2: &Client, before: &GroupState, done: &Done) -> Result<(), AwsError> {
        let now = self.read(ec2).await?.specs();
        for r in &done.revoked {
            if !now.iter().any(|l| l.same_rule(r)) {
                live::authorize(ec2, self.group_id, r)
                    .await
                    .map_err(call(authorize_action(r.egress)))?;
            }
        }
        let was = before.specs();
        for egress in [false, true] {
            let ids: Vec<String> = now
                .iter()
                .filter(|l| l.egress == egress && !was.iter().any(|w| w.same_rule(l)))
                .filter(|l| done.added.iter().any(|a| a.same_rule(l)))
                .filter_map(|l| l.rule_id.clone())
                .collect();
            live::revoke_ids(ec2, self.group_id, egress, &ids)
                .await
                .map_err(call(revoke_action(egress)))?;
        }
        let after = self.read(ec2).await?.specs();
        let same =
            after.len() == was.len() && was.iter().all(|w| after.iter().any(|a| a.same_rule(w)));
        if same {
            Ok(())
        } else {
            Err(AwsError::Invalid(
                "the group's rules still differ from before the action".into(),
            ))
        }
    }
}

/// The live rules the plan's `remove` list names: by rule id when it still exists with
/// the same content, else by content.
fn find_live<'a>(live: &'a [RuleSpec], wanted: &RuleSpec) -> Option<&'a RuleSpec> {
    live.iter()
        .find(|l| l.rule_id.is_some() && l.rule_id == wanted.rule_id && l.same_rule(wanted))
        .or_else(|| live.iter().find(|l| l.same_rule(wanted)))
}

/// The tcp and udp ports a rule covers (`-1`: all of both; other protocols: none).
fn coverage(r: &RuleSpec) -> (PortSet, PortSet) {
    match r.proto() {
        Proto::Tcp => (r.ports(), PortSet::empty()),
        Proto::Udp => (PortSet::empty(), r.ports()),
        Proto::All => (PortSet::all(), PortSet::all()),
        Proto::Other => (PortSet::empty(), PortSet::empty()),
    }
}

/// Live rules of the same source as a removed one that still open a restricted port the
/// removed rule opened. (Other restricted ports of that source belong to other actions.)
fn still_exposed(
    live: &[RuleSpec],
    removed: &[RuleSpec],
    restricted: &RestrictedPorts,
) -> Vec<String> {
    let mut out = Vec::new();
    for r in removed {
        let (cov_tcp, cov_udp) = coverage(r);
        for l in live
            .iter()
            .filter(|l| l.egress == r.egress && l.source == r.source)
        {
            let v6 = matches!(l.source, Source::CidrIpv6(_));
            let fam = restricted.family(v6);
            let flagged = if restricted.is_empty() {
                // Closing a default group: none of its old rules may remain.
                l.same_rule(r)
            } else {
                let (tcp, udp) = coverage(l);
                let other = fam.other_protocols
                    && l.proto() == Proto::Other
                    && matches!(r.proto(), Proto::All | Proto::Other);
                tcp.intersection(&fam.tcp).intersects(&cov_tcp)
                    || udp.intersection(&fam.udp).intersects(&cov_udp)
                    || other
            };
            if flagged {
                out.push(l.describe());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
