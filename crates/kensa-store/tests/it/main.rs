//! kensa-store's tests, each run on SQLite and on a real PostgreSQL
//! (`KENSA_TEST_POSTGRES`, which scripts/test starts; skipped with a notice when unset
//! outside CI).
mod backends;
mod errors;
mod findings;
mod jobs;
mod jobs_fence;
mod journals;
mod killed;
mod model;
mod notifications;
mod passed;
mod runs;
mod summary;
mod watch;

use std::collections::BTreeMap;

use kensa_model::{finding_id, Finding, Package, ResourceRef, Severity};

/// A synthetic finding of `rule` on `resource` (tags and attributes as given).
pub fn finding(package: Package, rule: &str, resource: &str, severity: Severity) -> Finding {
    Finding {
        id: finding_id(rule, resource, &[]),
        package,
        rule_id: rule.to_string(),
        title: format!("{rule} on {resource}"),
        severity,
        description: "d".into(),
        recommendation: "r".into(),
        resource: ResourceRef {
            resource_type: if resource.starts_with("sg-") {
                "AwsEc2SecurityGroup".into()
            } else {
                "AwsEc2Instance".into()
            },
            id: resource.to_string(),
            arn: None,
            account: "111122223333".into(),
            region: "us-east-1".into(),
            tags: BTreeMap::new(),
        },
        attributes: BTreeMap::new(),
        evidence: None,
        compliance: Vec::new(),
        references: Vec::new(),
        first_seen: None,
        last_seen: None,
        status: Default::default(),
    }
}
