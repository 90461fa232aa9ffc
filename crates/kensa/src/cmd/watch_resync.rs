//! `kensa watch --resync-every`: a full description of the watched scope at intervals
//! (and soon after an event the model could not apply), compared with the model; every
//! exposure that differs is alerted as drift and the model replaced. The description is
//! kept in the state directory and named by a marker in the journal, so a restart
//! starts from it and replays only the events after it.
use std::path::{Path, PathBuf};

use anyhow::Context;
use kensa_aws::collect::{collect, CollectOptions, DEFAULT_CONCURRENCY};
use kensa_aws::session::Target;
use kensa_watch::watch::RESYNC;
use kensa_watch::ChangeEvent;

use super::watch_remediate::{blocking, kensa_trail_time};

/// Collects the scope into a new directory `base-{slug}-{n}` of `state_dir`.
pub fn describe_all(target: &Target, state_dir: &Path, slug: &str) -> anyhow::Result<PathBuf> {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let dir = state_dir.join(format!("base-{slug}-{n}"));
    let opts = CollectOptions {
        out: dir.clone(),
        progress: false,
        concurrency: DEFAULT_CONCURRENCY,
    };
    let manifest = blocking(collect(target, &opts)).context("resync: collecting from AWS")?;
    for w in &manifest.warnings {
        eprintln!(
            "warning: resync {}/{} {}: {}",
            w.account, w.region, w.api, w.message
        );
    }
    Ok(dir)
}

/// The journal marker naming the description a resync replaced the model with.
pub fn marker(dir: &Path) -> ChangeEvent {
    let time = kensa_trail_time();
    ChangeEvent {
        event_id: format!("{RESYNC}-{}", dir.display()),
        event_name: RESYNC.to_string(),
        event_source: kensa_watch::apply::described::KENSA_SOURCE.to_string(),
        time,
        actor: "kensa watch (full resync)".to_string(),
        region: None,
        account: None,
        error_code: None,
        request: serde_json::json!({ "snapshot": dir.display().to_string() }),
        response: serde_json::Value::Null,
    }
}

/// Splits journaled events at the last resync marker: the description to start from
/// (None: the `--snapshot`) and the events after it.
pub fn since_last_resync(events: Vec<ChangeEvent>) -> (Option<PathBuf>, Vec<ChangeEvent>) {
    let last = events.iter().rposition(|e| e.event_name == RESYNC);
    match last {
        None => (None, events),
        Some(i) => {
            let dir = events[i].req_text("snapshot").map(PathBuf::from);
            (dir, events[i + 1..].to_vec())
        }
    }
}

/// Removes the descriptions of earlier resyncs (only `keep` is named by the journal).
pub fn remove_older(state_dir: &Path, slug: &str, keep: &Path) {
    let prefix = format!("base-{slug}-");
    let Ok(entries) = std::fs::read_dir(state_dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with(&prefix) && p != keep {
            if let Err(err) = std::fs::remove_dir_all(&p) {
                eprintln!("warning: cannot remove {}: {err}", p.display());
            }
        }
    }
}

/// A peering connection (`pcx-…`) or transit gateway attachment (`tgw-attach-…`) an
/// event named, described again as an event for the model; None for any other resource
/// (a resync describes those).
pub fn describe_transit(
    target: &Target,
    region: Option<&str>,
    resource: &str,
    actor: &str,
) -> Option<anyhow::Result<ChangeEvent>> {
    use kensa_watch::apply::described_transit::{
        described_event, DESCRIBED_PEERING, DESCRIBED_TGW_ATTACHMENT,
    };
    let name = match kensa_model::IdKind::detect(resource) {
        Some(kensa_model::IdKind::VpcPeeringConnection) => DESCRIBED_PEERING,
        Some(kensa_model::IdKind::TransitGatewayAttachment) => DESCRIBED_TGW_ATTACHMENT,
        _ => return None,
    };
    let state = blocking(async {
        let sessions = target.accounts().await?;
        let session = sessions.first().context("no AWS session")?;
        let config = match region {
            Some(r) => kensa_aws::session::in_region(&session.config, r),
            None => session.config.clone(),
        };
        let ec2 = aws_sdk_ec2::Client::new(&config);
        if name == DESCRIBED_PEERING {
            describe_peering(&ec2, resource).await
        } else {
            describe_tgw_attachment(&ec2, resource).await
        }
    });
    let time = kensa_trail_time();
    Some(state.map(|s| {
        let id = format!("{name}-{resource}-{time}");
        described_event(name, &id, resource, s, &time, actor)
    }))
}

/// A describe call's answer; `None` when AWS no longer knows the resource (any
/// `*NotFound` error code).
fn unless_not_found<T>(r: Result<T, kensa_aws::ApiError>) -> anyhow::Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.code.as_deref().is_some_and(|c| c.contains("NotFound")) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// None when AWS no longer knows it.
async fn describe_peering(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
) -> anyhow::Result<Option<serde_json::Value>> {
    use kensa_aws::collect::convert::vpc_peering_connection;
    let out = ec2
        .describe_vpc_peering_connections()
        .vpc_peering_connection_ids(id)
        .send()
        .await
        .map_err(kensa_aws::ApiError::from_sdk);
    let Some(out) = unless_not_found(out)? else {
        return Ok(None);
    };
    let found = out
        .vpc_peering_connections()
        .first()
        .map(vpc_peering_connection);
    Ok(found.map(serde_json::to_value).transpose()?)
}

/// With the subnets of a VPC attachment merged in, as a collection does.
async fn describe_tgw_attachment(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
) -> anyhow::Result<Option<serde_json::Value>> {
    use kensa_aws::collect::convert::{transit_gateway_attachment, transit_gateway_vpc_attachment};
    let out = ec2
        .describe_transit_gateway_attachments()
        .transit_gateway_attachment_ids(id)
        .send()
        .await
        .map_err(kensa_aws::ApiError::from_sdk);
    let Some(out) = unless_not_found(out)? else {
        return Ok(None);
    };
    let Some(mut a) = out
        .transit_gateway_attachments()
        .first()
        .map(transit_gateway_attachment)
    else {
        return Ok(None);
    };
    if a.resource_type.as_deref() == Some("vpc") {
        let vpc = ec2
            .describe_transit_gateway_vpc_attachments()
            .transit_gateway_attachment_ids(id)
            .send()
            .await
            .map_err(kensa_aws::ApiError::from_sdk)?;
        if let Some(v) = vpc.transit_gateway_vpc_attachments().first() {
            let v = transit_gateway_vpc_attachment(v);
            a.subnet_ids = v.subnet_ids;
            a.vpc_id = v.vpc_id;
        }
    }
    Ok(Some(serde_json::to_value(a)?))
}
