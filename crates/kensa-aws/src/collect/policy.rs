//! The read-only IAM policy a collection needs (`kensa collect iam-policy`), derived from
//! the one list of calls the collector makes ([`super::api_calls`] and
//! [`super::region::PER_RESOURCE_CALLS`]); a test reads the collector's source and checks
//! that every call it makes is in the policy.
use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::org::Organization;

/// Calls made once per account, outside a region's collection.
pub const ACCOUNT_CALLS: &[&str] = &[
    // `--all-regions`.
    "ec2:DescribeRegions",
    // Which account the credentials reach; IAM cannot deny it, listed for the reader.
    "sts:GetCallerIdentity",
];

/// Calls of the account that runs `--organization` (the management account or a
/// delegated administrator).
pub const ORGANIZATION_CALLS: &[&str] = &["organizations:ListAccounts"];

/// Every IAM action the collector uses in each account, sorted.
pub fn collector_actions() -> Vec<String> {
    let calls = super::api_calls()
        .into_iter()
        .chain(super::region::PER_RESOURCE_CALLS.iter().copied())
        .chain(ACCOUNT_CALLS.iter().copied());
    // `elasticloadbalancing:DescribeLoadBalancers (classic)`: one action for both APIs.
    let actions: BTreeSet<String> = calls
        .map(|c| c.split_whitespace().next().unwrap_or(c).to_owned())
        .collect();
    actions.into_iter().collect()
}

/// The policy: read-only describe/get/list calls on every resource; with an
/// organization, also the discovery call and the role to assume in each member account.
pub fn collector_policy(org: Option<&Organization>) -> Value {
    let mut statements = vec![json!({
        "Sid": "KensaCollectReadOnly",
        "Effect": "Allow",
        "Action": collector_actions(),
        "Resource": "*",
    })];
    if let Some(org) = org {
        statements.push(json!({
            "Sid": "KensaOrganizationAccounts",
            "Effect": "Allow",
            "Action": ORGANIZATION_CALLS,
            "Resource": "*",
        }));
        statements.push(json!({
            "Sid": "KensaAssumeMemberRole",
            "Effect": "Allow",
            "Action": ["sts:AssumeRole"],
            "Resource": org.role_arn("*", "*"),
        }));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The source files that make AWS calls, with the client variables they use and
    /// the IAM service each one calls.
    type Source = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    );
    const SOURCES: &[Source] = &[
        (
            "region/network.rs",
            include_str!("region/network.rs"),
            &[("ec2", "ec2")],
        ),
        (
            "region/transit.rs",
            include_str!("region/transit.rs"),
            &[("ec2", "ec2")],
        ),
        (
            "region/direct_connect.rs",
            include_str!("region/direct_connect.rs"),
            &[("dx", "directconnect")],
        ),
        (
            "region/compute.rs",
            include_str!("region/compute.rs"),
            &[("ec2", "ec2")],
        ),
        (
            "region/elb.rs",
            include_str!("region/elb.rs"),
            &[
                ("elbv2", "elasticloadbalancing"),
                ("classic", "elasticloadbalancing"),
            ],
        ),
        (
            "session.rs",
            include_str!("../session.rs"),
            &[("ec2", "ec2"), ("sts", "sts")],
        ),
        (
            "org.rs",
            include_str!("../org.rs"),
            &[("client", "organizations")],
        ),
    ];

    /// `describe_target_health` -> `DescribeTargetHealth`.
    fn pascal(snake: &str) -> String {
        snake
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Every `<client>.<describe|get|list|search>_...(` in `source`, as an IAM action.
    fn calls_in(source: &str, clients: &[(&str, &str)]) -> BTreeSet<String> {
        let flat: String = source.chars().filter(|c| !c.is_whitespace()).collect();
        let mut found = BTreeSet::new();
        for (var, service) in clients {
            let needle = format!("{var}.");
            for (at, _) in flat.match_indices(&needle) {
                let before = flat[..at].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue; // `my_ec2.` is another variable
                }
                let rest = &flat[at + needle.len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                    .collect();
                let is_call = rest[name.len()..].starts_with('(');
                let is_api = ["describe_", "get_", "list_", "search_"]
                    .iter()
                    .any(|p| name.starts_with(p));
                if is_call && is_api {
                    found.insert(format!("{service}:{}", pascal(&name)));
                }
            }
        }
        found
    }

    #[test]
    fn every_call_the_collector_makes_is_in_the_policy() {
        let policy = collector_policy(Some(&Organization::default())).to_string();
        let mut seen = 0;
        for (file, source, clients) in SOURCES {
            for action in calls_in(source, clients) {
                seen += 1;
                assert!(
                    policy.contains(&format!("\"{action}\"")),
                    "{file} calls {action}, which the policy does not allow"
                );
            }
        }
        // The scan itself must find the calls (a renamed client variable would make it
        // silently find nothing).
        assert!(
            seen >= 40,
            "only {seen} calls found in the collector's source"
        );
    }

    #[test]
    fn the_policy_is_read_only_and_names_the_member_role() {
        for action in collector_actions() {
            let verb = action.split(':').nth(1).unwrap_or_default();
            assert!(
                ["Describe", "Get", "List", "Search"]
                    .iter()
                    .any(|p| verb.starts_with(p)),
                "{action} is not a read call"
            );
        }
        let org = Organization {
            role_name: "KensaAudit".into(),
        };
        let p = collector_policy(Some(&org));
        assert_eq!(
            p["Statement"][2]["Resource"],
            "arn:*:iam::*:role/KensaAudit"
        );
        assert_eq!(
            collector_policy(None)["Statement"].as_array().map(Vec::len),
            Some(1)
        );
    }
}
