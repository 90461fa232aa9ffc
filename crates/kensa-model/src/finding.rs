//! The one finding schema every analyser emits (DESIGN.md, "Findings").
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ports::PortRange;

/// Severity, ordered from least to most severe so `>=` means "at least as bad".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Worth knowing; nothing to fix.
    Informational,
    /// Fix when convenient.
    Low,
    /// Fix soon.
    Medium,
    /// Fix promptly: exposure or a control that matters.
    High,
    /// Fix now: direct exposure of something sensitive.
    Critical,
}

impl Severity {
    /// Every severity, worst first: the order of summaries and counts.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    /// The name reports print (`Critical`, `High`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "Informational",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "informational" | "info" => Ok(Severity::Informational),
            "low" => Ok(Severity::Low),
            "medium" | "moderate" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or informational)"
            )),
        }
    }
}

/// Which analyser produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Package {
    /// The reachability engine (`kensa scan`).
    NetworkReachability,
    /// Configuration checks mapped by a framework (`kensa compliance`).
    Config,
    /// Package vulnerability matching (`kensa vuln`).
    Cve,
    /// Host security best practices (host telemetry).
    SecurityBestPractices,
    /// Host runtime behaviour (host telemetry).
    RuntimeBehavior,
    /// CIS operating system benchmarks (host telemetry).
    CisOs,
    /// CloudTrail detections (`kensa trail`).
    Cloudtrail,
}

impl Package {
    /// The package's name in findings, templates and filters (`network-reachability`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Package::NetworkReachability => "network-reachability",
            Package::Config => "config",
            Package::Cve => "cve",
            Package::SecurityBestPractices => "security-best-practices",
            Package::RuntimeBehavior => "runtime-behavior",
            Package::CisOs => "cis-os",
            Package::Cloudtrail => "cloudtrail",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
/// Where a finding is in its life in the store.
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Seen by the latest run that covered it.
    #[default]
    Active,
    /// No longer seen by a complete run that covered it.
    Resolved,
    /// Muted by a mute rule; still tracked.
    Suppressed,
}

/// The resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct ResourceRef {
    /// `AwsEc2Instance`, `AwsEc2SecurityGroup`, ... (Security Hub's resource type names).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Its id (`sg-…`, an ARN for load balancers).
    pub id: String,
    /// Its ARN, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Its account.
    #[serde(default)]
    pub account: String,
    /// Its region.
    #[serde(default)]
    pub region: String,
    /// Its tags, for filters and exports.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A compliance mapping: framework and control id (`{"framework": "fsbp", "control": "EC2.19"}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Compliance {
    /// The framework's id (`fsbp`, `cis-aws-3.0`, ...).
    pub framework: String,
    /// The control's id in it (`EC2.13`).
    pub control: String,
}

/// Evidence, typed per package. Each analyser defines its payload; the tag says which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// Inspector v2's `networkReachabilityDetails` shape, plus kensa's extra detail.
    NetworkPath(NetworkPathEvidence),
    /// Installed package, fixed version, advisory.
    Package(serde_json::Value),
    /// A CloudTrail event (who/what/when/where).
    Event(serde_json::Value),
    /// The configuration that fails a control.
    Config(serde_json::Value),
}

/// The network path of a reachability finding, in Inspector v2's shape. Typed rather
/// than a `serde_json::Value`: a scan of a large account holds hundreds of thousands of
/// these, and a tree of small JSON maps cost several kilobytes each. The fields are
/// declared in the alphabetical order of their JSON names, so the JSON is what a map
/// with the same entries prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPathEvidence {
    /// Addresses excluded from `source_cidrs` (the sources are the difference).
    #[serde(rename = "exceptCidrs", default)]
    pub except_cidrs: Vec<String>,
    /// The path from the source to the resource, hop by hop.
    #[serde(rename = "networkPath", default)]
    pub network_path: NetworkPath,
    /// The ports open along it (Inspector's `openPortRange`).
    #[serde(
        rename = "openPortRange",
        default = "inspector_port_range::missing",
        with = "inspector_port_range"
    )]
    pub open_port_range: PortRange,
    /// Every open protocol and port range (`NetworkExposure` findings only).
    #[serde(
        rename = "openRanges",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub open_ranges: Option<Vec<OpenRange>>,
    /// `TCP`, `UDP`, `ICMP`, a protocol number, or a listener protocol.
    #[serde(default)]
    pub protocol: String,
    /// The source addresses that reach it.
    #[serde(rename = "sourceCidrs", default)]
    pub source_cidrs: Vec<String>,
}

/// The hops from the source to the resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetworkPath {
    /// The hops, source first.
    #[serde(default)]
    pub steps: Vec<PathStep>,
}

/// One hop: a component id and its CloudFormation resource type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PathStep {
    /// The hop's id (`igw-…`, `acl-…`, `sg-…`, `eni-…`).
    #[serde(rename = "componentId")]
    pub component_id: String,
    /// `AWS::EC2::SecurityGroup`, ...: a constant, so not allocated per step.
    #[serde(rename = "componentType")]
    pub component_type: Cow<'static, str>,
}

impl PathStep {
    /// A hop: the component's id and its type (`InternetGateway`, `NetworkAcl`, ...).
    pub fn new(component_id: impl Into<String>, component_type: &'static str) -> Self {
        PathStep {
            component_id: component_id.into(),
            component_type: Cow::Borrowed(component_type),
        }
    }
}

/// [`PortRange`] as Inspector writes an `openPortRange`: `{"begin": 22, "end": 22}`
/// (`type << 8 | code` for ICMP). Only the serde boundary knows this shape.
mod inspector_port_range {
    use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

    use crate::ports::PortRange;

    #[derive(Serialize, Deserialize)]
    struct Wire {
        begin: u16,
        end: u16,
    }

    pub(super) fn serialize<S: Serializer>(r: &PortRange, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            begin: r.from,
            end: r.to,
        }
        .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PortRange, D::Error> {
        let w = Wire::deserialize(d)?;
        PortRange::new(w.begin, w.end).ok_or_else(|| {
            de::Error::custom(format!(
                "port range begins at {} after its end {}",
                w.begin, w.end
            ))
        })
    }

    /// What a finding stored without an `openPortRange` reads as (the former default).
    pub(super) fn missing() -> PortRange {
        PortRange::single(0)
    }
}

/// One protocol's open ports, as text (`22,80-443`, `all`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OpenRange {
    /// The ports as text (`22,80-443`, `all`).
    pub ports: String,
    /// The protocol (`tcp`, `udp`, `icmp`, `all`).
    pub protocol: String,
}

/// One problem with one resource, in the schema every analyser emits (network reachability,
/// configuration checks, package vulnerabilities) and every output format renders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The finding's fingerprint ([`finding_id`]): rule, resource and discriminators hashed, stable
    /// across runs so history can follow it.
    pub id: String,
    /// Which analyser produced it.
    pub package: Package,
    /// The rule that fired (`fsbp:EC2.13`, `NetworkExposure`); never changes once released.
    pub rule_id: String,
    /// One line naming the resource and what is wrong.
    pub title: String,
    /// How bad it is.
    pub severity: Severity,
    /// What was found, with the exact configuration.
    pub description: String,
    /// What to change.
    pub recommendation: String,
    /// The resource it is about.
    pub resource: ResourceRef,
    /// Facts about the finding as key/value pairs (ports, CIDRs, paths), for filters and exports.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// The network path proving a reachability finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// The framework controls it fails.
    #[serde(default)]
    pub compliance: Vec<Compliance>,
    /// Links to the AWS documentation.
    #[serde(default)]
    pub references: Vec<String>,
    /// When a stored run first saw it (RFC 3339); `None` outside the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// When a stored run last saw it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// Active, resolved or suppressed: where it is in its life in the store.
    #[serde(default)]
    pub status: FindingStatus,
}

/// A stable finding id: hex SHA-256 (first 16 bytes) of the rule, the resource and the
/// discriminators that tell two findings of one rule on one resource apart.
pub fn finding_id(rule_id: &str, resource_id: &str, discriminators: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(resource_id.as_bytes());
    for d in discriminators {
        h.update([0]);
        h.update(d.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_from_informational_to_critical() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Informational);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().is_err());
    }

    #[test]
    fn network_path_evidence_prints_like_the_json_map_it_replaces() {
        let typed = Evidence::NetworkPath(NetworkPathEvidence {
            except_cidrs: vec!["10.0.0.0/16".into()],
            network_path: NetworkPath {
                steps: vec![PathStep::new("igw-1", "AWS::EC2::InternetGateway")],
            },
            open_port_range: PortRange::single(22),
            open_ranges: Some(vec![OpenRange {
                ports: "22".into(),
                protocol: "TCP".into(),
            }]),
            protocol: "TCP".into(),
            source_cidrs: vec!["0.0.0.0/0".into()],
        });
        // serde_json's map sorts its keys: the typed form must print the same text.
        let map = serde_json::json!({
            "kind": "network_path",
            "sourceCidrs": ["0.0.0.0/0"],
            "protocol": "TCP",
            "openRanges": [{"protocol": "TCP", "ports": "22"}],
            "openPortRange": {"end": 22, "begin": 22},
            "networkPath": {"steps": [{"componentType": "AWS::EC2::InternetGateway", "componentId": "igw-1"}]},
            "exceptCidrs": ["10.0.0.0/16"],
        });
        let text = serde_json::to_string(&typed).unwrap();
        assert_eq!(text.replace("\"kind\":\"network_path\",", ""), {
            let mut m = map.clone();
            m.as_object_mut().unwrap().remove("kind");
            m.to_string()
        });
        let back: Evidence = serde_json::from_str(&text).unwrap();
        assert_eq!(back, typed);
        assert_eq!(serde_json::to_value(&typed).unwrap(), map);
    }

    #[test]
    fn finding_id_is_stable_and_discriminating() {
        let a = finding_id("r", "i-1", &["tcp", "22"]);
        assert_eq!(a, finding_id("r", "i-1", &["tcp", "22"]));
        assert_ne!(a, finding_id("r", "i-1", &["tcp", "2", "2"]));
        assert_eq!(a.len(), 32);
    }
}
