//! `kensa watch`'s targeted re-describes: the one resource an event left unknown (a
//! peering connection, a transit gateway attachment, a load balancer, a target group)
//! described again through kensa-aws and turned into an event for the model.
use anyhow::Context;
use kensa_aws::describe::Describer;
use kensa_aws::session::Target;
use kensa_watch::apply::described_transit::{
    described_event, DESCRIBED_PEERING, DESCRIBED_TGW_ATTACHMENT,
};
use kensa_watch::apply::lb::{
    described_classic_event, described_lb_event, described_tg_event, LbResource,
};
use kensa_watch::ChangeEvent;

use super::watch_support::{blocking, kensa_trail_time};

/// What kind of resource a re-describe notice names; None: kensa cannot describe it
/// alone (a resync does).
enum Describable {
    Peering,
    TgwAttachment,
    Lb(LbResource),
}

fn kind(resource: &str) -> Option<Describable> {
    match kensa_model::IdKind::detect(resource) {
        Some(kensa_model::IdKind::VpcPeeringConnection) => Some(Describable::Peering),
        Some(kensa_model::IdKind::TransitGatewayAttachment) => Some(Describable::TgwAttachment),
        _ => LbResource::parse(resource).map(Describable::Lb),
    }
}

/// `resource` described again in `region` of the target's first account, as an event
/// by `actor`; None when kensa cannot describe that kind of resource alone. An error is
/// a failed call (access denied, throttled): the resource is then not known, never
/// taken for gone.
pub fn describe_again(
    target: &Target,
    region: Option<&str>,
    resource: &str,
    actor: &str,
) -> Option<anyhow::Result<ChangeEvent>> {
    let kind = kind(resource)?;
    let time = kensa_trail_time();
    let id = format!("KensaDescribed-{resource}-{time}");
    Some(blocking(async {
        let d = Describer::connect(target, region)
            .await
            .context("cannot reach AWS")?;
        let call = |what: &str| format!("describing {what} {resource}");
        Ok(match kind {
            Describable::Peering => {
                let s = d.peering(resource).await.with_context(|| call("peering"))?;
                let s = s.map(serde_json::to_value).transpose()?;
                described_event(DESCRIBED_PEERING, &id, resource, s, &time, actor)
            }
            Describable::TgwAttachment => {
                let s = (d.tgw_attachment(resource).await)
                    .with_context(|| call("transit gateway attachment"))?;
                let s = s.map(serde_json::to_value).transpose()?;
                described_event(DESCRIBED_TGW_ATTACHMENT, &id, resource, s, &time, actor)
            }
            Describable::Lb(LbResource::LoadBalancer(arn)) => {
                let s = (d.load_balancer(&arn).await).with_context(|| call("load balancer"))?;
                let parts = s.as_ref().map(|s| {
                    let (l, g) = (&s.listeners[..], &s.target_groups[..]);
                    (&s.load_balancer, l, g)
                });
                described_lb_event(&id, &arn, parts, &time, actor)
            }
            Describable::Lb(LbResource::TargetGroup(arn)) => {
                let s = (d.target_group(&arn).await).with_context(|| call("target group"))?;
                described_tg_event(&id, &arn, s.as_ref(), &time, actor)
            }
            Describable::Lb(LbResource::Classic(name)) => {
                let s = (d.classic_load_balancer(&name).await)
                    .with_context(|| call("classic load balancer"))?;
                described_classic_event(&id, &name, s.as_ref(), &time, actor)
            }
        })
    }))
}
