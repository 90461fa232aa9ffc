//! `sg-unused`: Unused Amazon EC2 security groups should be removed.
use std::collections::BTreeSet;

use kensa_model::{Severity, ResourceType};

use crate::context::{sg_resource, Context};
use crate::rule::Evaluation;

crate::check! {
    /// ## What it checks
    /// Security groups other than a VPC's `default` group that no network interface uses:
    /// not an instance's, a load balancer's, an endpoint's or any other ENI's, as
    /// `describe-network-interfaces` and the instances' own group lists show them.
    ///
    /// ## Why it matters
    /// An unused group is a permission waiting for a resource: whoever attaches it to a new
    /// instance inherits rules nobody reviews any more, and every stale group makes the
    /// ones in use harder to audit.
    ///
    /// ## Remediation
    /// Confirm that nothing is about to use it (launch templates, Auto Scaling groups and
    /// other groups' rules may still name it), then delete it:
    /// `aws ec2 delete-security-group --group-id <id>`.
    pub const CHECK: Check = Check {
        name: "sg-unused",
        title: "Unused Amazon EC2 security groups should be removed",
        severity: Severity::Medium,
        resource_type: ResourceType::SecurityGroup,
        params: &[],
        evaluate: |ctx, _| unused_groups(ctx),
        restricted_ports: None,
        fix: None,
        fixtures_fail: &[include_str!("../../fixtures/sg-unused.json")],
        fixtures_pass: &[include_str!("../../fixtures/sg-attached.json")],
    };
}

/// One evaluation per group: attached to some ENI or instance, or not.
fn unused_groups(ctx: &Context) -> Vec<Evaluation> {
    let snap = ctx.snapshot;
    let eni_groups = snap.network_interfaces.values().flat_map(|e| &e.groups);
    let instance_groups = snap.instances.values().flat_map(|i| &i.security_groups);
    let used: BTreeSet<&str> = eni_groups
        .chain(instance_groups)
        .map(|g| g.group_id.as_str())
        .collect();
    snap.security_groups
        .values()
        .map(|g| {
            let res = sg_resource(g);
            if g.group_name == "default" {
                return Evaluation::not_applicable(res, "a VPC's default group cannot be deleted");
            }
            Evaluation::check(
                res,
                used.contains(g.group_id.as_str()),
                "attached to at least one network interface",
                &format!(
                    "security group {} ({}) is attached to no network interface",
                    g.group_id, g.group_name
                ),
            )
        })
        .collect()
}
