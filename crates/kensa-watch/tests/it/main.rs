mod apply;
mod events;
mod fixture;
mod journal;
mod lb;
mod policy;
mod property;
mod read;
mod remediation;
mod replay;
mod resync;

use kensa_watch::{WatchRecord, Watcher};

/// `(change, resource, ports)` of each exposure alert to the Internet, sorted.
pub fn internet(records: &[WatchRecord]) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            WatchRecord::Exposure(a)
                if a.source_class == kensa_net::engine::SourceClass::Internet =>
            {
                Some((a.change.to_string(), a.resource.clone(), a.ports.clone()))
            }
            _ => None,
        })
        .collect();
    out.sort();
    out
}

pub fn opened(resource: &str, ports: &[&str]) -> (String, String, Vec<String>) {
    alert("opened", resource, ports)
}

pub fn closed(resource: &str, ports: &[&str]) -> (String, String, Vec<String>) {
    alert("closed", resource, ports)
}

fn alert(change: &str, resource: &str, ports: &[&str]) -> (String, String, Vec<String>) {
    (
        change.to_string(),
        resource.to_string(),
        ports.iter().map(|p| p.to_string()).collect(),
    )
}

/// The re-describe notices: `(resource, reason)`.
pub fn notices(records: &[WatchRecord]) -> Vec<(String, String)> {
    records
        .iter()
        .filter_map(|r| match r {
            WatchRecord::Redescribe(n) => Some((n.resource.clone(), n.reason.clone())),
            _ => None,
        })
        .collect()
}

pub fn watcher() -> Watcher {
    Watcher::new(fixture::snapshot())
}
