//! Security group events: rules authorised, revoked and modified (both request shapes),
//! groups created and deleted.
use kensa_model::ec2::{IpPermission, IpRange, SecurityGroup};
use kensa_model::Snapshot;
use serde_json::Value;

use super::{unappliable, Applied, Outcome, SgRule, Touched, Unappliable};
use crate::event::ChangeEvent;
use crate::json::{get, items, list, text};

/// The group an event names, by id or (default VPC, EC2-Classic requests) by name.
fn group_id(snap: &Snapshot, ev: &ChangeEvent) -> Result<String, Unappliable> {
    let req = ev
        .req(&["ModifySecurityGroupRulesRequest"])
        .unwrap_or(&ev.request);
    if let Some(id) = text(req, "groupId") {
        return Ok(id);
    }
    let name = text(req, "groupName")
        .ok_or_else(|| unappliable(&ev.event_name, "request names no security group"))?;
    let mut by_name = snap
        .security_groups
        .values()
        .filter(|g| g.group_name == name);
    match (by_name.next(), by_name.next()) {
        (Some(g), None) => Ok(g.group_id.clone()),
        _ => Err(unappliable(
            format!("security group named {name}"),
            "the group is named, not identified, and the name is not unique in the model",
        )),
    }
}

/// The rules of a request in the `ipPermissions` shape, or the legacy top-level shape
/// (`cidrIp`, `ipProtocol`, `fromPort`, `toPort`).
fn requested_rules(
    ev: &ChangeEvent,
    egress: bool,
    group: &str,
) -> Result<Vec<SgRule>, Unappliable> {
    let perms = items(&ev.request, "ipPermissions");
    let bad = |e: String| unappliable(group, format!("cannot read the request's rules: {e}"));
    if perms.is_empty() {
        if ev.req_text("sourceSecurityGroupName").is_some() {
            return Err(unappliable(group, "source group named without its id"));
        }
        if ev.req_text("ipProtocol").is_some() || ev.req_text("cidrIp").is_some() {
            let mut legacy = ev.request.clone();
            if let Some(cidr) = ev.req_text("cidrIp") {
                legacy["ipRanges"] = serde_json::json!([{ "cidrIp": cidr }]);
            }
            if get(&legacy, "ipProtocol").is_none() {
                legacy["ipProtocol"] = "-1".into();
            }
            return SgRule::from_permission(&legacy, egress).map_err(bad);
        }
        return Err(unappliable(group, "request names no rules"));
    }
    let mut out = Vec::new();
    for p in perms {
        out.extend(SgRule::from_permission(p, egress).map_err(bad)?);
    }
    Ok(out)
}

fn group_mut<'a>(snap: &'a mut Snapshot, id: &str) -> Result<&'a mut SecurityGroup, Unappliable> {
    snap.security_groups
        .get_mut(id)
        .ok_or_else(|| unappliable(id, "security group is not in the model"))
}

/// Whether the snapshot lists the group's rules in `SecurityGroupRules` (then the
/// engine reads those, so they must carry every change with its `sgr-` id).
fn has_rule_list(snap: &Snapshot, group: &str) -> bool {
    snap.security_group_rules
        .values()
        .any(|r| r.group_id == group)
}

pub fn authorize(snap: &mut Snapshot, ev: &ChangeEvent, egress: bool) -> Applied {
    let group = group_id(snap, ev)?;
    // AWS's answer lists each new rule with its id: exact, whatever the request shape.
    let created: Vec<&Value> = items(&ev.response, "securityGroupRuleSet");
    let mut rules = Vec::new();
    for item in &created {
        let rule = SgRule::from_rule_item(item, egress)
            .map_err(|e| unappliable(&group, format!("cannot read the response's rule: {e}")))?;
        let id = text(item, "securityGroupRuleId")
            .ok_or_else(|| unappliable(&group, "response rule has no securityGroupRuleId"))?;
        rules.push((rule, Some(id)));
    }
    let listed = has_rule_list(snap, &group);
    if rules.is_empty() {
        if listed {
            return Err(unappliable(
                &group,
                "the response does not list the new rules' ids",
            ));
        }
        rules = (requested_rules(ev, egress, &group)?.into_iter())
            .map(|r| (r, None))
            .collect();
    }
    let sg = group_mut(snap, &group)?;
    for (rule, _) in &rules {
        rule.add_to(sg);
    }
    // A group the snapshot has no rule list for is read from `IpPermissions`; a list
    // holding only the new rules would hide the others.
    if listed {
        for (rule, id) in rules {
            if let Some(id) = id {
                let model = rule.to_model(&id, &group);
                snap.security_group_rules.insert(id, model);
            }
        }
    }
    Ok(Outcome::Applied(vec![Touched::Group(group)]))
}

pub fn revoke(snap: &mut Snapshot, ev: &ChangeEvent, egress: bool) -> Applied {
    let group = group_id(snap, ev)?;
    let ids: Vec<String> = items(&ev.request, "securityGroupRuleIds")
        .into_iter()
        .filter_map(|i| match i {
            Value::String(s) => Some(s.clone()),
            other => text(other, "securityGroupRuleId"),
        })
        .collect();
    let rules = if ids.is_empty() {
        requested_rules(ev, egress, &group)?
    } else {
        let mut rules = Vec::new();
        for id in &ids {
            let r = (snap.security_group_rules.get(id))
                .and_then(SgRule::from_model)
                .ok_or_else(|| unappliable(&group, format!("rule {id} is not in the model")))?;
            rules.push(r);
        }
        rules
    };
    let sg = group_mut(snap, &group)?;
    for r in &rules {
        r.remove_from(sg);
    }
    snap.security_group_rules.retain(|id, m| {
        m.group_id != group
            || !(ids.contains(id)
                || SgRule::from_model(m).is_some_and(|m| rules.iter().any(|r| r.same_as(&m))))
    });
    Ok(Outcome::Applied(vec![Touched::Group(group)]))
}

/// `ModifySecurityGroupRules`: each rule, by id, replaced by its new definition.
pub fn modify_rules(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let group = group_id(snap, ev)?;
    let req = ev
        .req(&["ModifySecurityGroupRulesRequest"])
        .unwrap_or(&ev.request);
    let changes = get(req, "SecurityGroupRule").map(list).unwrap_or_default();
    if changes.is_empty() {
        return Err(unappliable(&group, "request names no rule"));
    }
    for change in changes {
        let id = text(change, "SecurityGroupRuleId")
            .ok_or_else(|| unappliable(&group, "modified rule has no id"))?;
        let old = (snap.security_group_rules.get(&id))
            .and_then(SgRule::from_model)
            .ok_or_else(|| unappliable(&group, format!("rule {id} is not in the model")))?;
        let body = get(change, "SecurityGroupRule")
            .ok_or_else(|| unappliable(&group, format!("rule {id} has no new definition")))?;
        let new = SgRule::from_rule_item(body, old.egress)
            .map_err(|e| unappliable(&group, format!("rule {id}: {e}")))?;
        let sg = group_mut(snap, &group)?;
        old.remove_from(sg);
        new.add_to(sg);
        snap.security_group_rules
            .insert(id.clone(), new.to_model(&id, &group));
    }
    Ok(Outcome::Applied(vec![Touched::Group(group)]))
}

pub fn create_group(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let id = ev
        .resp_text("groupId")
        .ok_or_else(|| unappliable("CreateSecurityGroup", "response has no groupId"))?;
    let vpc_id = ev.req_text("vpcId");
    // A new VPC group allows all outbound IPv4 traffic and no inbound traffic.
    let default_egress = vpc_id.as_ref().map(|_| IpPermission {
        ip_protocol: "-1".into(),
        ip_ranges: vec![IpRange {
            cidr_ip: "0.0.0.0/0".into(),
            description: None,
        }],
        ..Default::default()
    });
    let sg = SecurityGroup {
        group_id: id.clone(),
        group_name: ev.req_text("groupName").unwrap_or_default(),
        description: ev.req_text("groupDescription"),
        vpc_id,
        owner_id: ev.account.clone(),
        ip_permissions_egress: default_egress.into_iter().collect(),
        security_group_arn: ev.resp_text("securityGroupArn"),
        ..Default::default()
    };
    snap.security_groups.insert(id.clone(), sg);
    Ok(Outcome::Applied(vec![Touched::Group(id)]))
}

pub fn delete_group(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let id = group_id(snap, ev)?;
    snap.security_groups.remove(&id);
    snap.security_group_rules.retain(|_, r| r.group_id != id);
    Ok(Outcome::Applied(vec![
        Touched::Group(id.clone()),
        Touched::GroupMembers(id),
    ]))
}
