//! A resource as kensa described it again (after a remediation, or for an event the
//! model cannot apply exactly), turned into an event of its own: applying it replaces
//! every copy of the resource in the model, and the watcher's journal keeps it in order
//! with the CloudTrail events, so a restart rebuilds the same model.
use kensa_model::ec2::{SecurityGroup, SecurityGroupRule};
use kensa_model::Snapshot;
use serde_json::{json, Value};

use super::{unappliable, Applied, Outcome, Touched};
use crate::event::ChangeEvent;

/// `eventSource` of the events kensa makes itself.
pub const KENSA_SOURCE: &str = "kensa.watch";
/// `eventName` of a security group described again.
pub const DESCRIBED_GROUP: &str = "KensaDescribedSecurityGroup";

/// A group as `DescribeSecurityGroups` and `DescribeSecurityGroupRules` print it now
/// (`group` None: the group no longer exists), as an event by `actor` at `time`.
pub fn described_group_event(
    event_id: &str,
    group_id: &str,
    group: Option<&SecurityGroup>,
    rules: &[SecurityGroupRule],
    time: &str,
    actor: &str,
) -> ChangeEvent {
    ChangeEvent {
        event_id: event_id.to_string(),
        event_name: DESCRIBED_GROUP.to_string(),
        event_source: KENSA_SOURCE.to_string(),
        time: time.to_string(),
        actor: actor.to_string(),
        region: None,
        account: None,
        error_code: None,
        request: json!({
            "groupId": group_id,
            "securityGroup": group,
            "securityGroupRules": rules,
        }),
        response: Value::Null,
    }
}

/// Replaces the group and its rules (both copies: `IpPermissions` and
/// `SecurityGroupRules`) with the described state.
pub(crate) fn replace_group(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let bad = |m: String| unappliable(DESCRIBED_GROUP, m);
    let id = ev
        .req_text("groupId")
        .ok_or_else(|| bad("no groupId".into()))?;
    let group: Option<SecurityGroup> = match ev.request.get("securityGroup") {
        None | Some(Value::Null) => None,
        Some(v) => Some(serde_json::from_value(v.clone()).map_err(|e| bad(e.to_string()))?),
    };
    let rules: Vec<SecurityGroupRule> = match ev.request.get("securityGroupRules") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| bad(e.to_string()))?,
    };
    if let Some(r) = rules.iter().find(|r| r.group_id != id) {
        return Err(bad(format!("rule of group {} in {id}'s state", r.group_id)));
    }
    snap.security_group_rules.retain(|_, r| r.group_id != id);
    let mut touched = vec![Touched::Group(id.clone())];
    match group {
        Some(g) => {
            for r in rules {
                snap.security_group_rules
                    .insert(r.security_group_rule_id.clone(), r);
            }
            snap.security_groups.insert(id, g);
        }
        None => {
            snap.security_groups.remove(&id);
            touched.push(Touched::GroupMembers(id));
        }
    }
    Ok(Outcome::Applied(touched))
}
