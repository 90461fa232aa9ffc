//! What `kensa watch` reports: an exposure that opened or closed, or an event the model
//! could not follow (re-describe the resource). Both are stream records, written by
//! kensa-report's sinks like CloudTrail alerts.
use kensa_model::Severity;
use kensa_net::engine::SourceClass;
use kensa_net::findings::{compact_sources, describe_flows};
use kensa_net::flow::{all_sources, FlowSet, Lattice};
use kensa_net::ports::{severity_for, RECOGNIZED};
use kensa_report::stream::Record;
use serde::Serialize;

use crate::event::ChangeEvent;
use crate::exposure::Change;
use crate::lb_exposure::LbChange;
use crate::remediation::{Remediation, RemediationState};

/// The event an alert comes from.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct EventRef {
    /// CloudTrail's `eventID` (empty for kensa's own events).
    pub event_id: String,
    /// `eventName`.
    pub event_name: String,
    /// `eventTime` as CloudTrail writes it.
    pub event_time: String,
    /// Who made the call (`userIdentity.arn`, else the principal).
    pub actor: String,
    /// `awsRegion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The account the call was made in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl EventRef {
    /// The reference of an event.
    pub fn of(ev: &ChangeEvent) -> Self {
        EventRef {
            event_id: ev.event_id.clone(),
            event_name: ev.event_name.clone(),
            event_time: ev.time.clone(),
            actor: ev.actor.clone(),
            region: ev.region.clone(),
            account: ev.account.clone(),
        }
    }
    fn clock(&self) -> &str {
        crate::event::clock(&self.event_time)
    }
}

/// An exposure that opened or closed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExposureAlert {
    /// The event that changed the exposure.
    pub event: EventRef,
    /// `opened` or `closed`.
    pub change: &'static str,
    /// From the services the ports are known for and the source class.
    pub severity: Severity,
    /// The instance, else the interface.
    pub resource: String,
    /// The interface the exposure is of.
    pub network_interface: String,
    /// Where the traffic comes from.
    pub source_class: SourceClass,
    /// `tcp/22`, `udp/53`, `tcp/1024-65535`, `all traffic`.
    pub ports: Vec<String>,
    /// The source addresses, compacted to CIDRs.
    pub sources: Vec<String>,
    /// Addresses inside `sources` that are not exposed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources_except: Vec<String>,
    /// Gateway -> route table -> ACL -> subnet -> groups -> interface; through a load
    /// balancer: gateway -> load balancer [groups] -> listener -> target group -> target.
    pub path: String,
    /// The load balancer listener the traffic comes through (None: straight to the
    /// interface). Remediation policies act on direct exposures only: a load balancer's
    /// groups and listeners are not the target's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// An event the model cannot follow exactly: the resource must be described again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedescribeNotice {
    /// The event the model could not follow.
    pub event: EventRef,
    /// The resource to describe again.
    pub resource: String,
    /// Why the event could not be applied exactly.
    pub reason: String,
}

/// One streamed record of `kensa watch`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WatchRecord {
    /// An exposure opened or closed.
    Exposure(ExposureAlert),
    /// An event the model could not follow: the resource must be described again.
    Redescribe(RedescribeNotice),
    /// An automatic remediation reached a new state (planned, pending approval,
    /// applied and verified, failed, rate limited, exempt).
    Remediation(Remediation),
    /// A periodic full resync found the model had drifted from AWS.
    Drift(DriftNotice),
}

/// What a resync found: exposures the events had not told (or had told wrongly).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftNotice {
    /// When the resync ran (RFC 3339).
    pub time: String,
    /// The exposure deltas the resync corrected, as alerts of the resync.
    pub corrected: usize,
    /// Resources whose state in the model differed from AWS (groups, routes, ...):
    /// `kind id`.
    pub resources: Vec<String>,
}

fn class_words(c: SourceClass) -> &'static str {
    match c {
        SourceClass::Internet => "the Internet",
        SourceClass::PeeredVPC => "a peered VPC",
        SourceClass::VGW => "a VPN/Direct Connect gateway",
        SourceClass::TGW => "a transit gateway",
    }
}

/// `tcp/22`-style port words of a flow set.
pub fn port_words(flows: &FlowSet) -> Vec<String> {
    let mut out = Vec::new();
    for (proto, ports) in describe_flows(flows) {
        let proto = proto.to_ascii_lowercase();
        if proto == "all" {
            out.push("all traffic".to_string());
        } else if ports == "all" {
            out.push(format!("{proto}/all"));
        } else {
            out.extend(ports.split(',').map(|p| format!("{proto}/{p}")));
        }
    }
    out
}

/// Highest severity of the recognised services in `flows`; Medium (Internet) or Low for
/// anything else; a closure is informational.
fn severity(flows: &FlowSet, class: SourceClass, opened: bool) -> Severity {
    if !opened {
        return Severity::Informational;
    }
    let internet = class == SourceClass::Internet;
    let recognised = RECOGNIZED
        .iter()
        .filter(|p| {
            let cube = kensa_net::flow::cube(
                p.protocol,
                p.protocol,
                p.ports.from,
                p.ports.to,
                kensa_net::rangeset::AddrSet::full(),
            );
            flows.overlaps(&cube)
        })
        .map(|p| severity_for(p, internet))
        .max();
    recognised.unwrap_or(if internet {
        Severity::Medium
    } else {
        Severity::Low
    })
}

impl ExposureAlert {
    /// The alert of one exposure change caused by `ev`.
    pub fn new(ev: &ChangeEvent, c: &Change) -> Self {
        let (sources, sources_except) = compact_sources(&all_sources(&c.flows));
        ExposureAlert {
            event: EventRef::of(ev),
            change: if c.opened { "opened" } else { "closed" },
            severity: severity(&c.flows, c.class, c.opened),
            resource: c.side.resource().to_string(),
            network_interface: c.side.eni.clone(),
            source_class: c.class,
            ports: port_words(&c.flows),
            sources,
            sources_except,
            path: c.side.path(&c.gateways),
            via: None,
        }
    }

    /// The alert of one change of what reaches a target through a load balancer.
    pub fn through_lb(ev: &ChangeEvent, c: &LbChange) -> Self {
        let (sources, sources_except) = compact_sources(&all_sources(&c.flows));
        let class = SourceClass::Internet;
        ExposureAlert {
            event: EventRef::of(ev),
            change: if c.opened { "opened" } else { "closed" },
            severity: severity(&c.flows, class, c.opened),
            resource: c.side.resource().to_string(),
            network_interface: (c.side.eni.clone()).unwrap_or_else(|| c.side.target.clone()),
            source_class: class,
            ports: port_words(&c.flows),
            sources,
            sources_except,
            path: c.side.path(),
            via: Some(c.side.listener.clone()),
        }
    }
}

impl Record for WatchRecord {
    fn text_line(&self) -> String {
        match self {
            WatchRecord::Exposure(a) => format!(
                "{} `{}` by {} at {} {} {} {} to {} (path {})",
                a.severity.as_str(),
                a.event.event_name,
                a.event.actor,
                a.event.clock(),
                a.change,
                a.resource,
                a.ports.join(", "),
                class_words(a.source_class),
                a.path
            ),
            WatchRecord::Redescribe(n) => format!(
                "Notice `{}` by {} at {}: re-describe {}: {}",
                n.event.event_name,
                n.event.actor,
                n.event.clock(),
                n.resource,
                n.reason
            ),
            WatchRecord::Remediation(r) => remediation_line(r),
            WatchRecord::Drift(d) => format!(
                "Drift resync at {}: {} resource(s) differed from AWS ({}); {} exposure change(s) corrected",
                d.time,
                d.resources.len(),
                d.resources.join(", "),
                d.corrected
            ),
        }
    }
    fn subject(&self) -> String {
        match self {
            WatchRecord::Exposure(a) => format!(
                "{} {} {} {}",
                a.severity.as_str(),
                a.resource,
                a.change,
                a.ports.join(",")
            ),
            WatchRecord::Redescribe(n) => format!("re-describe {}", n.resource),
            WatchRecord::Remediation(r) => format!(
                "remediation {} {} {}",
                r.id,
                state_words(r.state),
                r.resource
            ),
            WatchRecord::Drift(d) => format!("drift: {} resource(s)", d.resources.len()),
        }
    }
}

fn state_words(s: RemediationState) -> &'static str {
    match s {
        RemediationState::DryRun => "dry run",
        RemediationState::Pending => "awaiting approval",
        RemediationState::Approved => "approved",
        RemediationState::Applying => "applying",
        RemediationState::Applied => "applied",
        RemediationState::Failed => "FAILED",
        RemediationState::RateLimited => "rate limited",
        RemediationState::Exempt => "exempt",
        RemediationState::NothingToDo => "nothing to do",
    }
}

/// `Remediation R… (policy P, revoke) applied to i-… [sg-…] for tcp/22 opened by
/// `Authorize…` at 10:42:07: verified; undo: kensa remediate rollback J`.
fn remediation_line(r: &Remediation) -> String {
    let mode = match r.mode {
        crate::policy::PolicyMode::Revoke => "revoke",
        crate::policy::PolicyMode::Narrow => "narrow",
    };
    let mut line = format!(
        "Remediation {} (policy {}, {mode}) {} {} [{}] for {} opened by `{}` at {}: {}",
        r.id,
        r.policy,
        state_words(r.state),
        r.resource,
        r.groups.join(","),
        r.ports.join(", "),
        r.event.event_name,
        r.event.clock(),
        r.message
    );
    if r.state == RemediationState::Pending {
        line.push_str(&format!("; to apply: kensa remediate approve {}", r.id));
    }
    if let Some(j) = &r.journal_id {
        line.push_str(&format!("; undo: kensa remediate rollback {j}"));
    }
    line
}
