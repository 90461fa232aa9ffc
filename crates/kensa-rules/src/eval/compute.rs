//! Instance and launch template evaluators: public IPv4 addresses and IMDSv2.
use kensa_model::compute::{LaunchTemplate, LaunchTemplateVersion};
use kensa_model::instance::Instance;
use kensa_model::{ResourceRef, ResourceType};

use crate::context::{ec2_arn, resource, Context};
use crate::rule::Evaluation;

fn instance_resource(i: &Instance) -> ResourceRef {
    let arn = ec2_arn(&i.scope, "instance", &i.instance_id);
    resource(
        ResourceType::Instance,
        &i.instance_id,
        arn,
        &i.scope,
        &i.tags,
    )
}

/// Instances that still exist (not `terminated` / `shutting-down`).
fn live_instances<'a>(ctx: &'a Context) -> impl Iterator<Item = &'a Instance> {
    ctx.snapshot
        .instances
        .values()
        .filter(|i| !matches!(i.state_name(), Some("terminated" | "shutting-down")))
}

/// The public IPv4 addresses of an instance (its own field and its ENIs' associations).
fn public_ips(i: &Instance) -> Vec<String> {
    let mut ips: Vec<String> = i.public_ip_address.iter().cloned().collect();
    for n in &i.network_interfaces {
        let assoc = n.association.iter().chain(
            n.private_ip_addresses
                .iter()
                .filter_map(|p| p.association.as_ref()),
        );
        ips.extend(assoc.filter_map(|a| a.public_ip.clone()));
    }
    ips.sort();
    ips.dedup();
    ips
}

/// Instances have no public IPv4 address.
pub fn instance_no_public_ip(ctx: &Context) -> Vec<Evaluation> {
    live_instances(ctx)
        .map(|i| {
            let ips = public_ips(i);
            Evaluation::check(
                instance_resource(i),
                ips.is_empty(),
                "no public IPv4 address",
                &format!(
                    "{} has public IPv4 address(es) {}",
                    i.instance_id,
                    ips.join(", ")
                ),
            )
            .attr("PUBLIC_IP", ips.join(","))
        })
        .collect()
}

/// Instances refuse IMDSv1 (`HttpTokens = required`).
pub fn instance_imdsv2(ctx: &Context) -> Vec<Evaluation> {
    live_instances(ctx)
        .map(|i| {
            let res = instance_resource(i);
            match i.metadata() {
                None => Evaluation::not_applicable(res, "MetadataOptions not in the snapshot"),
                Some(m) => Evaluation::check(
                    res,
                    m.requires_imdsv2(),
                    "HttpTokens is required",
                    &format!(
                        "{} allows IMDSv1 (HttpTokens = {})",
                        i.instance_id,
                        m.http_tokens.as_deref().unwrap_or("unset")
                    ),
                ),
            }
        })
        .collect()
}

/// The version a template launches by default.
fn default_version<'a>(ctx: &'a Context, t: &LaunchTemplate) -> Option<&'a LaunchTemplateVersion> {
    let versions = ctx.snapshot.launch_template_versions.values();
    let mut of_t = versions.filter(|v| v.launch_template_id == t.launch_template_id);
    of_t.clone().find(|v| v.default_version).or_else(|| {
        let n = t.default_version_number?;
        of_t.find(|v| v.version_number == n)
    })
}

fn template_resource(t: &LaunchTemplate) -> ResourceRef {
    let arn = ec2_arn(&t.scope, "launch-template", &t.launch_template_id);
    resource(
        ResourceType::LaunchTemplate,
        &t.launch_template_id,
        arn,
        &t.scope,
        &t.tags,
    )
}

/// Each template's default version with `f`; not applicable without version data.
fn per_template(
    ctx: &Context,
    f: impl Fn(ResourceRef, &LaunchTemplate, &LaunchTemplateVersion) -> Evaluation,
) -> Vec<Evaluation> {
    ctx.snapshot
        .launch_templates
        .values()
        .map(|t| match default_version(ctx, t) {
            None => Evaluation::not_applicable(
                template_resource(t),
                "the default version is not in the snapshot",
            ),
            Some(v) => f(template_resource(t), t, v),
        })
        .collect()
}

/// Launch templates do not assign public IPs to network interfaces.
pub fn template_no_public_ip(ctx: &Context) -> Vec<Evaluation> {
    per_template(ctx, |res, t, v| {
        let public = v
            .launch_template_data
            .network_interfaces
            .iter()
            .any(|n| n.associate_public_ip_address == Some(true));
        Evaluation::check(
            res,
            !public,
            "no network interface sets AssociatePublicIpAddress",
            &format!(
                "{} version {} sets AssociatePublicIpAddress = true",
                t.launch_template_id, v.version_number
            ),
        )
    })
}

/// Launch templates require IMDSv2.
pub fn template_imdsv2(ctx: &Context) -> Vec<Evaluation> {
    per_template(ctx, |res, t, v| {
        let m = v.launch_template_data.metadata_options.as_ref();
        Evaluation::check(
            res,
            m.is_some_and(|m| m.requires_imdsv2()),
            "MetadataOptions.HttpTokens is required",
            &format!(
                "{} version {} does not require IMDSv2 (HttpTokens = {})",
                t.launch_template_id,
                v.version_number,
                m.and_then(|m| m.http_tokens.as_deref()).unwrap_or("unset")
            ),
        )
    })
}
