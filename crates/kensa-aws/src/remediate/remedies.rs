//! Each kind of change as a [`Remedy`]: how to read its live state, whether the change
//! already holds, what the journal keeps, the write, and the verification. The apply
//! driver runs them all the same way.
use aws_sdk_ec2::Client;

use super::journal::Captured;
use super::live::{self, GroupState};
use super::plan::{authorize_action, revoke_action};
use super::rule::{Proto, RuleSpec, Source};
use crate::error::{ApiError, AwsError};
use kensa_model::ports::{PortSet, RestrictedPorts};

/// One kind of change, as the apply driver sees it.
pub(crate) trait Remedy {
    /// The live state the change is decided and verified on.
    type State;
    async fn read(&self, ec2: &Client) -> Result<Self::State, AwsError>;
    /// What is left to do (the dry run's messages), or `None` when the change holds.
    /// Messages about the plan being stale go to `messages`.
    fn pending(&self, state: &Self::State, messages: &mut Vec<String>) -> Option<Vec<String>>;
    /// The original state, for the journal and rollback.
    fn captured(&self, state: &Self::State) -> Captured;
    async fn write(&self, ec2: &Client, before: &Self::State) -> Result<(), AwsError>;
    /// The change holds in `state` (read after the write).
    fn verify(&self, state: &Self::State, messages: &mut Vec<String>) -> bool;
    /// Verification of an action found already applied (`None`: nothing more to say).
    fn verify_unchanged(&self, _state: &Self::State, _messages: &mut Vec<String>) -> Option<bool> {
        None
    }
}

/// An error from one call, named so the report says which.
fn call(op: &str) -> impl Fn(ApiError) -> AwsError + '_ {
    move |e| AwsError::api(op, e)
}

fn public(groups: &[String]) -> bool {
    groups.iter().any(|g| g == "all")
}

pub(crate) struct EbsDefault;

impl Remedy for EbsDefault {
    type State = bool;
    async fn read(&self, ec2: &Client) -> Result<bool, AwsError> {
        live::ebs_encryption_by_default(ec2)
            .await
            .map_err(call("ec2:GetEbsEncryptionByDefault"))
    }
    fn pending(&self, on: &bool, _: &mut Vec<String>) -> Option<Vec<String>> {
        (!on).then(Vec::new)
    }
    fn captured(&self, on: &bool) -> Captured {
        Captured::EbsEncryptionByDefault { enabled: *on }
    }
    async fn write(&self, ec2: &Client, _: &bool) -> Result<(), AwsError> {
        live::set_ebs_encryption_by_default(ec2, true)
            .await
            .map_err(call("ec2:EnableEbsEncryptionByDefault"))
    }
    fn verify(&self, on: &bool, _: &mut Vec<String>) -> bool {
        *on
    }
}

pub(crate) struct SnapshotPrivate<'a>(pub &'a str);

impl Remedy for SnapshotPrivate<'_> {
    type State = Vec<String>;
    async fn read(&self, ec2: &Client) -> Result<Vec<String>, AwsError> {
        live::snapshot_groups(ec2, self.0)
            .await
            .map_err(call("ec2:DescribeSnapshotAttribute"))
    }
    fn pending(&self, groups: &Vec<String>, _: &mut Vec<String>) -> Option<Vec<String>> {
        public(groups).then(Vec::new)
    }
    fn captured(&self, groups: &Vec<String>) -> Captured {
        Captured::SnapshotPermissions {
            groups: groups.clone(),
        }
    }
    async fn write(&self, ec2: &Client, _: &Vec<String>) -> Result<(), AwsError> {
        live::set_snapshot_public(ec2, self.0, false)
            .await
            .map_err(call("ec2:ModifySnapshotAttribute"))
    }
    fn verify(&self, groups: &Vec<String>, _: &mut Vec<String>) -> bool {
        !public(groups)
    }
}

pub(crate) struct ImagePrivate<'a>(pub &'a str);

impl Remedy for ImagePrivate<'_> {
    type State = Vec<String>;
    async fn read(&self, ec2: &Client) -> Result<Vec<String>, AwsError> {
        live::image_groups(ec2, self.0)
            .await
            .map_err(call("ec2:DescribeImageAttribute"))
    }
    fn pending(&self, groups: &Vec<String>, _: &mut Vec<String>) -> Option<Vec<String>> {
        public(groups).then(Vec::new)
    }
    fn captured(&self, groups: &Vec<String>) -> Captured {
        Captured::ImagePermissions {
            groups: groups.clone(),
        }
    }
    async fn write(&self, ec2: &Client, _: &Vec<String>) -> Result<(), AwsError> {
        live::set_image_public(ec2, self.0, false)
            .await
            .map_err(call("ec2:ModifyImageAttribute"))
    }
    fn verify(&self, groups: &Vec<String>, _: &mut Vec<String>) -> bool {
        !public(groups)
    }
}

/// Requires IMDSv2 by setting `HttpTokens` only; `HttpEndpoint` is never sent.
pub(crate) struct Imdsv2<'a>(pub &'a str);

impl Remedy for Imdsv2<'_> {
    /// `HttpTokens` as the instance reports it.
    type State = String;
    async fn read(&self, ec2: &Client) -> Result<String, AwsError> {
        live::http_tokens(ec2, self.0)
            .await
            .map_err(call("ec2:DescribeInstances"))
    }
    fn pending(&self, tokens: &String, _: &mut Vec<String>) -> Option<Vec<String>> {
        (tokens != "required").then(Vec::new)
    }
    fn captured(&self, tokens: &String) -> Captured {
        Captured::InstanceMetadata {
            http_tokens: tokens.clone(),
        }
    }
    async fn write(&self, ec2: &Client, _: &String) -> Result<(), AwsError> {
        live::set_http_tokens(ec2, self.0, "required")
            .await
            .map_err(call("ec2:ModifyInstanceMetadataOptions"))
    }
    fn verify(&self, tokens: &String, _: &mut Vec<String>) -> bool {
        tokens == "required"
    }
}

/// Adds the kept rules first (so allowed ports never close, even briefly), then revokes
/// the offending ones by rule id.
pub(crate) struct GroupRules<'a> {
    pub group_id: &'a str,
    pub remove: &'a [RuleSpec],
    pub add: &'a [RuleSpec],
    pub restricted: &'a RestrictedPorts,
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
        let specs = before.specs();
        for a in self
            .add
            .iter()
            .filter(|a| !specs.iter().any(|l| l.same_rule(a)))
        {
            live::authorize(ec2, self.group_id, a)
                .await
                .map_err(call(authorize_action(a.egress)))?;
        }
        let to_remove: Vec<&RuleSpec> = self
            .remove
            .iter()
            .filter_map(|r| find_live(&specs, r))
            .collect();
        for egress in [false, true] {
            let ids: Vec<String> = to_remove
                .iter()
                .filter(|r| r.egress == egress)
                .filter_map(|r| r.rule_id.clone())
                .collect();
            live::revoke_ids(ec2, self.group_id, egress, &ids)
                .await
                .map_err(call(revoke_action(egress)))?;
        }
        Ok(())
    }
    fn verify(&self, state: &GroupState, messages: &mut Vec<String>) -> bool {
        let live = state.specs();
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
