//! `ami-public`: AMIs owned by the account are not public.
use std::collections::BTreeSet;

use kensa_model::compute::Image;
use kensa_model::{ResourceRef, Snapshot};
use kensa_model::{Severity, ResourceType};

use crate::check::Fix;
use crate::context::{resource, Context};
use crate::rule::Evaluation;

crate::check! {
    /// ## What it checks
    /// AMIs owned by the account (the snapshot's accounts: their VPC owners and account
    /// folders) that anyone can launch: `Public: true` in `describe-images`, or a
    /// `launchPermission` of the group `all`. Images of other owners (a `describe-images`
    /// listing of vendors' public AMIs) are not applicable.
    ///
    /// ## Why it matters
    /// A public AMI hands every AWS account a copy of the instance's disk: baked-in
    /// credentials, keys, internal hostnames and application code. Golden images are
    /// often shared "temporarily" and forgotten.
    ///
    /// ## Remediation
    /// `aws ec2 modify-image-attribute --image-id <ami> --launch-permission
    /// "Remove=[{Group=all}]"`; share with specific accounts or an organization instead,
    /// and turn on block public access for AMIs (`enable-image-block-public-access`).
    /// `kensa remediate plan --controls AMI.PUBLIC` plans exactly that call.
    pub const CHECK: Check = Check {
        name: "ami-public",
        title: "AMIs owned by the account should not be public",
        severity: Severity::High,
        resource_type: ResourceType::Image,
        params: &[],
        evaluate: |ctx, _| public_images(ctx),
        restricted_ports: None,
        fix: Some(Fix::UnshareImage),
        fixtures_fail: &[include_str!("../../fixtures/ami-public.json")],
        fixtures_pass: &[include_str!("../../fixtures/ami-private.json")],
    };
}

/// The accounts the snapshot describes: account folders and VPC owners. Empty when the
/// snapshot names none (then every image counts as the account's own).
fn own_accounts(s: &Snapshot) -> BTreeSet<&str> {
    let vpc_owners = s.vpcs.values().filter_map(|v| v.owner_id.as_deref());
    let folders = s.vpcs.values().map(|v| v.scope.account.as_str());
    vpc_owners.chain(folders).filter(|a| !a.is_empty()).collect()
}

fn image_resource(i: &Image) -> ResourceRef {
    let arn = (!i.scope.region.is_empty())
        .then(|| format!("arn:aws:ec2:{}::image/{}", i.scope.region, i.image_id));
    resource(ResourceType::Image, &i.image_id, arn, &i.scope, &i.tags)
}

fn public_images(ctx: &Context) -> Vec<Evaluation> {
    let own = own_accounts(ctx.snapshot);
    ctx.snapshot
        .images
        .values()
        .map(|i| {
            let res = image_resource(i);
            let owner = i.owner_id.as_deref();
            if let Some(o) = owner.filter(|o| !own.is_empty() && !own.contains(o)) {
                return Evaluation::not_applicable(res, format!("owned by {o}, another account"));
            }
            Evaluation::check(
                res,
                !i.is_public(),
                "not public",
                &format!(
                    "{} is public: any AWS account can launch it and copy its disks",
                    i.image_id
                ),
            )
        })
        .collect()
}
