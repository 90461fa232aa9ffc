//! Synthetic change events against a snapshot, for measuring the cost of an incremental
//! update (`kensa watch --synthetic-events N --latency`): SSH opened to the world on a
//! group that interfaces use, then closed again, group after group.
use std::collections::BTreeSet;

use kensa_model::Snapshot;
use serde_json::json;

use crate::event::ChangeEvent;

/// `n` events: authorise tcp/22 from 0.0.0.0/0 on a group in use (with its rule id in the
/// response, as CloudTrail records it), then revoke it, and so on over the groups.
pub fn ssh_churn(snap: &Snapshot, n: usize) -> Vec<ChangeEvent> {
    let used: BTreeSet<&str> = (snap.network_interfaces.values())
        .flat_map(|e| e.groups.iter().map(|g| g.group_id.as_str()))
        .chain(
            (snap.instances.values())
                .flat_map(|i| i.security_groups.iter().map(|g| g.group_id.as_str())),
        )
        .filter(|g| snap.security_groups.contains_key(*g))
        .collect();
    let used: Vec<&str> = used.into_iter().collect();
    if used.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            // A stride through the groups so consecutive pairs hit different groups.
            let group = used[(i / 2 * 7919) % used.len()];
            let rule = format!("sgr-synth{:08x}", i / 2);
            let perms = json!({"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]});
            let (name, request, response) = if i % 2 == 0 {
                let set = json!({"items": [{"groupId": group, "securityGroupRuleId": rule,
                    "isEgress": false, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                    "cidrIpv4": "0.0.0.0/0"}]});
                (
                    "AuthorizeSecurityGroupIngress",
                    json!({"groupId": group, "ipPermissions": perms}),
                    json!({"_return": true, "securityGroupRuleSet": set}),
                )
            } else {
                (
                    "RevokeSecurityGroupIngress",
                    json!({"groupId": group, "ipPermissions": perms}),
                    json!({"_return": true}),
                )
            };
            let record = json!({
                "eventID": format!("synth-{i}"),
                "eventName": name,
                "eventSource": "ec2.amazonaws.com",
                "eventTime": format!(
                    "2026-12-07T{:02}:{:02}:{:02}Z",
                    (i / 3600) % 24,
                    (i / 60) % 60,
                    i % 60
                ),
                "userIdentity": {"arn": "arn:aws:iam::123456789012:user/bench"},
                "requestParameters": request,
                "responseElements": response,
            });
            ChangeEvent::from_record(&record).expect("a well-formed synthetic record")
        })
        .collect()
}
