//! A check: one bad pattern, its logic, documentation, parameters, fix and fixtures.
//! Frameworks do not appear here: a framework's table maps its controls to checks.
use kensa_model::{ResourceType, Severity};

use crate::context::Context;
use crate::exposure::RestrictedPorts;
use crate::params::{ParamSpec, Params};
use crate::rule::Evaluation;

/// One registered check. Declare it with [`check!`](crate::check!) so that the doc comment
/// above it becomes its documentation, and list its module in `src/checks/mod.rs`.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// The bad pattern, kebab-case (`sg-high-risk-port-open-to-world`); what framework
    /// tables name in `check:` and findings carry as `RULE_NAME`.
    pub name: &'static str,
    /// A one-line title, used when a custom framework's control gives none.
    pub title: &'static str,
    /// The severity used when a custom framework's control gives none.
    pub severity: Severity,
    /// What the check evaluates (findings carry its Security Hub name,
    /// `AwsEc2SecurityGroup`).
    pub resource_type: ResourceType,
    /// Markdown with `## What it checks`, `## Why it matters`, `## Remediation`.
    pub doc: &'static str,
    /// The parameters the check accepts, with the defaults used when a table sets none.
    pub params: &'static [ParamSpec],
    /// The evaluation: one [`Evaluation`] per resource considered.
    pub evaluate: fn(&Context, &Params) -> Vec<Evaluation>,
    /// For "open to the world" checks: the ports the check forbids.
    pub restricted_ports: Option<fn(&Params) -> RestrictedPorts>,
    /// What `kensa remediate` does to a resource that fails the check.
    pub fix: Option<Fix>,
    /// Snapshot fragments (AWS CLI JSON documents) on which the check, with its default
    /// parameters, must fail.
    pub fixtures_fail: &'static [&'static str],
    /// Fragments on which it must pass.
    pub fixtures_pass: &'static [&'static str],
}

/// The change that fixes a failing resource. The remediation planner turns the failing
/// evaluations of a check into actions of this kind; it never re-decides compliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Fix {
    /// Revoke the security group rules that open the check's restricted ports to the world,
    /// or narrow them to the same ports minus the restricted ones.
    RestrictWorldIngress,
    /// Remove every rule of a VPC's default security group.
    CloseDefaultGroup,
    /// Turn on EBS encryption by default in the region.
    EnableEbsEncryptionByDefault,
    /// Set `HttpTokens` to `required` (the metadata endpoint's state is left as it is).
    RequireImdsV2,
    /// Remove the public `createVolumePermission` of an EBS snapshot.
    UnshareSnapshot,
    /// Remove the public `launchPermission` of an AMI.
    UnshareImage,
}

impl Fix {
    /// What the fix does, for `kensa rules show` and the remediation plan's help.
    pub fn describe(self) -> &'static str {
        match self {
            Fix::RestrictWorldIngress => {
                "revoke the world-open security group rules on the restricted ports, or narrow them to the other ports (--mode narrow)"
            }
            Fix::CloseDefaultGroup => "remove every inbound and outbound rule of the default security group",
            Fix::EnableEbsEncryptionByDefault => "enable EBS encryption by default in the region",
            Fix::RequireImdsV2 => "require IMDSv2 (HttpTokens required; the metadata endpoint is left as it is)",
            Fix::UnshareSnapshot => "remove the snapshot's public createVolumePermission",
            Fix::UnshareImage => "remove the AMI's public launchPermission",
        }
    }
}

impl Check {
    /// A `## Heading` section of the documentation, trimmed; paragraphs joined by a blank
    /// line, the lines of one paragraph by a space.
    pub fn section(&self, heading: &str) -> Option<String> {
        // Doc comment lines arrive with the space after `///`; drop it.
        let doc: Vec<&str> = self
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        let doc = doc.join("\n");
        let start = doc.find(&format!("## {heading}\n"))?;
        let body = &doc[start..];
        let body = &body[body.find('\n').map_or(body.len(), |i| i + 1)..];
        let end = body.find("\n## ").unwrap_or(body.len());
        let paragraphs: Vec<String> = body[..end]
            .split("\n\n")
            .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
            .filter(|p| !p.trim().is_empty())
            .collect();
        Some(paragraphs.join("\n\n").trim().to_string())
    }

    /// The check's default parameters.
    pub fn default_params(&self) -> Params {
        Params::defaults(self.params)
    }
}

/// Declares a check constant; the doc comment above it becomes `Check::doc`.
#[macro_export]
macro_rules! check {
    ($(#[doc = $doc:literal])* pub const $name:ident: Check = Check { $($field:ident: $value:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        pub const $name: $crate::check::Check = $crate::check::Check {
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}
