//! The remediation plan: a list of actions, each with the exact API calls it makes.
//! Serialised as JSON (`--out`), printed for people by [`Plan::render_text`].
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::rule::{RuleSpec, Source};
use kensa_model::ports::RestrictedPorts;

/// The plan format's version; a plan of another version is refused.
pub const PLAN_VERSION: u32 = 1;

/// `revoke` removes the offending rule; `narrow` replaces it with rules for the same
/// source on the same ports minus the restricted ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Remove the offending rule.
    #[default]
    Revoke,
    /// Keep the rule's other ports open to the same source.
    Narrow,
}

/// What `kensa remediate plan` writes and `apply` reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`PLAN_VERSION`].
    pub version: u32,
    /// Where the facts came from: a snapshot directory or `live`.
    pub source: String,
    /// How security-group rules are fixed.
    pub mode: Mode,
    /// The controls remediated (`EC2.19`, ...).
    pub controls: Vec<String>,
    /// The actions, in the order they run.
    pub actions: Vec<Action>,
}

/// One change to one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// `A001`, ... in plan order; the journal names files after it.
    pub id: String,
    /// The controls it satisfies.
    pub controls: Vec<String>,
    /// Empty in a single-account snapshot.
    pub account: String,
    /// The resource's region.
    pub region: String,
    /// `AwsEc2SecurityGroup`, ...
    pub resource_type: String,
    /// The resource's id.
    pub resource_id: String,
    /// What it does, in one line.
    pub summary: String,
    /// The change itself.
    pub change: Change,
    /// The exact calls, for people and for `iam-policy`.
    pub calls: Vec<ApiCall>,
    /// Caveats a person should read before applying.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What an action changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Change {
    /// Add `add` first (so allowed ports never close), then remove `remove`.
    SecurityGroupRules {
        /// The group.
        group_id: String,
        /// Rules revoked.
        remove: Vec<RuleSpec>,
        /// Rules authorised (narrow mode).
        add: Vec<RuleSpec>,
        /// What must not be world-open afterwards (verification); empty when closing a
        /// default group, where verification is "no rules left".
        restricted: RestrictedPorts,
    },
    /// Turn on the region's EBS encryption by default.
    EnableEbsEncryptionByDefault,
    /// Remove `all` from a snapshot's `createVolumePermission`.
    MakeSnapshotPrivate {
        /// The snapshot.
        snapshot_id: String,
    },
    /// Remove `all` from an AMI's launch permissions.
    MakeImagePrivate {
        /// The AMI.
        image_id: String,
    },
    /// Set an instance's `HttpTokens` to `required`.
    RequireImdsV2 {
        /// The instance.
        instance_id: String,
    },
}

/// One API call with its parameters in the AWS API's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiCall {
    /// IAM action name: `ec2:RevokeSecurityGroupIngress`.
    pub action: String,
    /// The resource ARN the call acts on, or `*` for account-level settings.
    pub resource: String,
    /// The call's parameters, named as in the API.
    pub params: Value,
}

impl Change {
    /// The calls this change makes, in order.
    pub fn calls(&self, account: &str, region: &str) -> Vec<ApiCall> {
        let arn = |kind: &str, id: &str, with_account: bool| {
            let acct = if with_account && !account.is_empty() {
                account
            } else if with_account {
                "*"
            } else {
                ""
            };
            format!("arn:aws:ec2:{region}:{acct}:{kind}/{id}")
        };
        match self {
            Change::SecurityGroupRules {
                group_id,
                remove,
                add,
                ..
            } => {
                let res = arn("security-group", group_id, true);
                let mut calls = Vec::new();
                for (egress, list) in [(false, add), (true, add)] {
                    let perms: Vec<Value> = list
                        .iter()
                        .filter(|r| r.egress == egress)
                        .map(ip_permission)
                        .collect();
                    if !perms.is_empty() {
                        calls.push(ApiCall {
                            action: authorize_action(egress).into(),
                            resource: res.clone(),
                            params: json!({"GroupId": group_id, "IpPermissions": perms}),
                        });
                    }
                }
                for egress in [false, true] {
                    let with_id: Vec<&str> = remove
                        .iter()
                        .filter(|r| r.egress == egress)
                        .filter_map(|r| r.rule_id.as_deref())
                        .collect();
                    if !with_id.is_empty() {
                        calls.push(ApiCall {
                            action: revoke_action(egress).into(),
                            resource: res.clone(),
                            params: json!({"GroupId": group_id, "SecurityGroupRuleIds": with_id}),
                        });
                    }
                    let without: Vec<Value> = remove
                        .iter()
                        .filter(|r| r.egress == egress && r.rule_id.is_none())
                        .map(ip_permission)
                        .collect();
                    if !without.is_empty() {
                        calls.push(ApiCall {
                            action: revoke_action(egress).into(),
                            resource: res.clone(),
                            params: json!({"GroupId": group_id, "IpPermissions": without}),
                        });
                    }
                }
                calls
            }
            Change::EnableEbsEncryptionByDefault => vec![ApiCall {
                action: "ec2:EnableEbsEncryptionByDefault".into(),
                resource: "*".into(),
                params: json!({}),
            }],
            Change::MakeSnapshotPrivate { snapshot_id } => vec![ApiCall {
                action: "ec2:ModifySnapshotAttribute".into(),
                resource: arn("snapshot", snapshot_id, false),
                params: json!({"SnapshotId": snapshot_id, "Attribute": "createVolumePermission",
                    "OperationType": "remove", "GroupNames": ["all"]}),
            }],
            Change::MakeImagePrivate { image_id } => vec![ApiCall {
                action: "ec2:ModifyImageAttribute".into(),
                resource: arn("image", image_id, false),
                params: json!({"ImageId": image_id,
                    "LaunchPermission": {"Remove": [{"Group": "all"}]}}),
            }],
            Change::RequireImdsV2 { instance_id } => vec![ApiCall {
                action: "ec2:ModifyInstanceMetadataOptions".into(),
                resource: arn("instance", instance_id, true),
                // HttpTokens only: the endpoint's state is the owner's choice.
                params: json!({"InstanceId": instance_id, "HttpTokens": "required"}),
            }],
        }
    }
}

pub(crate) fn authorize_action(egress: bool) -> &'static str {
    if egress {
        "ec2:AuthorizeSecurityGroupEgress"
    } else {
        "ec2:AuthorizeSecurityGroupIngress"
    }
}

pub(crate) fn revoke_action(egress: bool) -> &'static str {
    if egress {
        "ec2:RevokeSecurityGroupEgress"
    } else {
        "ec2:RevokeSecurityGroupIngress"
    }
}

/// A rule as one `IpPermissions` entry with its one source.
pub fn ip_permission(r: &RuleSpec) -> Value {
    let desc = |v: Value| match (&r.description, v) {
        (Some(d), Value::Object(mut m)) => {
            m.insert("Description".into(), d.clone().into());
            Value::Object(m)
        }
        (_, v) => v,
    };
    let mut p = json!({"IpProtocol": r.ip_protocol});
    if let (Some(f), Some(t)) = (r.from_port, r.to_port) {
        p["FromPort"] = f.into();
        p["ToPort"] = t.into();
    }
    match &r.source {
        Source::CidrIpv4(c) => p["IpRanges"] = json!([desc(json!({"CidrIp": c}))]),
        Source::CidrIpv6(c) => p["Ipv6Ranges"] = json!([desc(json!({"CidrIpv6": c}))]),
        Source::PrefixList(id) => p["PrefixListIds"] = json!([desc(json!({"PrefixListId": id}))]),
        Source::Group { group_id, user_id } => {
            let mut pair = json!({"GroupId": group_id});
            if let Some(u) = user_id {
                pair["UserId"] = u.clone().into();
            }
            p["UserIdGroupPairs"] = json!([desc(pair)]);
        }
    }
    p
}

impl Plan {
    /// The plan for people: one block per action with its calls.
    pub fn render_text(&self) -> String {
        let mut out = format!(
            "kensa remediation plan ({} mode, source: {}, controls: {})\n{} action(s)\n",
            match self.mode {
                Mode::Revoke => "revoke",
                Mode::Narrow => "narrow",
            },
            self.source,
            self.controls.join(","),
            self.actions.len()
        );
        for a in &self.actions {
            let place = if a.account.is_empty() {
                a.region.clone()
            } else {
                format!("{}/{}", a.account, a.region)
            };
            out.push_str(&format!(
                "\n[{}] {} {} ({place}) [{}]\n    {}\n",
                a.id,
                a.resource_type,
                a.resource_id,
                a.controls.join(","),
                a.summary
            ));
            if let Change::SecurityGroupRules { remove, add, .. } = &a.change {
                for r in remove {
                    let id = r
                        .rule_id
                        .as_deref()
                        .map(|i| format!(" [{i}]"))
                        .unwrap_or_default();
                    out.push_str(&format!("    - remove {}{id}\n", r.describe()));
                }
                for r in add {
                    out.push_str(&format!("    + add    {}\n", r.describe()));
                }
            }
            for c in &a.calls {
                out.push_str(&format!("    call {} {}\n", c.action, c.params));
            }
            for n in &a.notes {
                out.push_str(&format!("    note: {n}\n"));
            }
        }
        out
    }
}
