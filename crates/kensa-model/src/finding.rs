//! The one finding schema every analyser emits (DESIGN.md, "Findings").
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Severity, ordered from least to most severe so `>=` means "at least as bad".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

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
    NetworkReachability,
    Config,
    Cve,
    SecurityBestPractices,
    RuntimeBehavior,
    CisOs,
    Cloudtrail,
}

impl Package {
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
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    #[default]
    Active,
    Resolved,
    Suppressed,
}

/// The resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct ResourceRef {
    /// `AwsEc2Instance`, `AwsEc2SecurityGroup`, ... (Security Hub's resource type names).
    #[serde(rename = "type")]
    pub resource_type: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A compliance mapping: framework and control id (`{"framework": "fsbp", "control": "EC2.19"}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Compliance {
    pub framework: String,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetworkPathEvidence {
    /// Addresses excluded from `source_cidrs` (the sources are the difference).
    #[serde(rename = "exceptCidrs", default)]
    pub except_cidrs: Vec<String>,
    #[serde(rename = "networkPath", default)]
    pub network_path: NetworkPath,
    #[serde(rename = "openPortRange", default)]
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
    #[serde(rename = "sourceCidrs", default)]
    pub source_cidrs: Vec<String>,
}

/// The hops from the source to the resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetworkPath {
    #[serde(default)]
    pub steps: Vec<PathStep>,
}

/// One hop: a component id and its CloudFormation resource type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PathStep {
    #[serde(rename = "componentId")]
    pub component_id: String,
    /// `AWS::EC2::SecurityGroup`, ...: a constant, so not allocated per step.
    #[serde(rename = "componentType")]
    pub component_type: Cow<'static, str>,
}

impl PathStep {
    pub fn new(component_id: impl Into<String>, component_type: &'static str) -> Self {
        PathStep {
            component_id: component_id.into(),
            component_type: Cow::Borrowed(component_type),
        }
    }
}

/// An inclusive port range (`type << 8 | code` for ICMP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PortRange {
    pub begin: u16,
    pub end: u16,
}

/// One protocol's open ports, as text (`22,80-443`, `all`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OpenRange {
    pub ports: String,
    pub protocol: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub package: Package,
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    pub description: String,
    pub recommendation: String,
    pub resource: ResourceRef,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    #[serde(default)]
    pub compliance: Vec<Compliance>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
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
            open_port_range: PortRange { begin: 22, end: 22 },
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
