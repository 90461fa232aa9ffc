//! Host data from enrolled agents, as a run uses it: the latest telemetry of each
//! healthy agent (its listeners refine the network findings), and an AGENT_UNHEALTHY
//! exclusion for each in-scope instance whose agent went silent, when the template has
//! a package that needs host data.
use std::collections::BTreeMap;

use kensa_host::reach::ListenerJoin;
use kensa_model::{Package, Snapshot};
use kensa_store::{
    agents::STALE_AFTER_MINUTES, clock, Agent, Exclusion, ExclusionKind, ExclusionScope, RunScope,
    Store, StoreError, Template,
};
use kensa_telemetry::Telemetry;

/// Packages whose findings come from the host itself.
const HOST_PACKAGES: [Package; 4] = [
    Package::Cve,
    Package::SecurityBestPractices,
    Package::RuntimeBehavior,
    Package::CisOs,
];

/// The agents' latest telemetry, split by health.
#[derive(Default)]
pub(crate) struct Hosts {
    /// `agent <id>` and the document, for agents with a fresh heartbeat.
    healthy: Vec<(String, Telemetry)>,
    /// Silent agents with the instance their latest telemetry named.
    unhealthy: Vec<(Agent, String)>,
}

/// Reads every agent and its latest upload. `now_ms` is the run's clock; an agent
/// without a heartbeat since `now_ms - STALE_AFTER_MINUTES` is unhealthy. An upload that
/// no longer parses (stored by an older schema) is skipped with a warning in the log.
pub(crate) async fn load(store: &Store, now_ms: i64) -> Result<Hosts, StoreError> {
    let cutoff = clock::format_millis(now_ms - STALE_AFTER_MINUTES * 60_000);
    let mut hosts = Hosts::default();
    for agent in store.agents().await? {
        let Some(text) = store.latest_telemetry(&agent.id).await? else {
            continue;
        };
        let doc = match Telemetry::from_json(text.as_bytes()) {
            Ok(doc) => doc,
            Err(e) => {
                tracing::warn!(agent = %agent.id, error = %e, "stored telemetry skipped");
                continue;
            }
        };
        if agent.is_fresh(&cutoff) {
            hosts.healthy.push((format!("agent {}", agent.id), doc));
        } else if let Some(instance) = doc.host.instance_id.clone() {
            hosts.unhealthy.push((agent, instance));
        }
    }
    Ok(hosts)
}

impl Hosts {
    /// The healthy agents' latest telemetry: (`agent <id>`, document).
    pub(crate) fn healthy(&self) -> &[(String, Telemetry)] {
        &self.healthy
    }

    /// The healthy agents' listeners, ready for the network findings.
    pub(crate) fn listener_join(&self, snap: &Snapshot) -> ListenerJoin {
        let (join, unjoined) =
            ListenerJoin::new(self.healthy.iter().map(|(s, d)| (s.clone(), d)), snap);
        for (source, why) in unjoined {
            tracing::info!(%source, "{why}");
        }
        join
    }

    /// One AGENT_UNHEALTHY exclusion per in-scope instance whose agent is silent, when
    /// the template has a host package (one agent per instance: the latest heartbeat
    /// among several agents reporting the same instance is what counts).
    pub(crate) fn unhealthy_exclusions(
        &self,
        template: &Template,
        scope: &RunScope,
    ) -> Vec<Exclusion> {
        let wanted: Vec<&str> = HOST_PACKAGES
            .iter()
            .filter(|p| template.packages.contains(p))
            .map(|p| p.as_str())
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let healthy: Vec<&str> = self
            .healthy
            .iter()
            .filter_map(|(_, d)| d.host.instance_id.as_deref())
            .collect();
        let mut silent: BTreeMap<&str, &Agent> = BTreeMap::new();
        for (agent, instance) in &self.unhealthy {
            if scope.instances.contains(instance) && !healthy.contains(&instance.as_str()) {
                let newer = silent
                    .get(instance.as_str())
                    .is_none_or(|a| a.last_heartbeat_at < agent.last_heartbeat_at);
                if newer {
                    silent.insert(instance, agent);
                }
            }
        }
        silent
            .into_iter()
            .map(|(instance, agent)| exclusion(instance, agent, &wanted))
            .collect()
    }
}

fn exclusion(instance: &str, agent: &Agent, packages: &[&str]) -> Exclusion {
    let last = agent.last_heartbeat_at.as_deref().unwrap_or("never");
    let mut attributes = BTreeMap::new();
    attributes.insert("AGENT_ID".to_string(), agent.id.clone());
    attributes.insert("HOSTNAME".to_string(), agent.hostname.clone());
    attributes.insert("LAST_HEARTBEAT".to_string(), last.to_string());
    attributes.insert("PACKAGES".to_string(), packages.join(","));
    Exclusion {
        kind: ExclusionKind::AgentUnhealthy,
        title: format!("Agent unhealthy on {instance}"),
        description: format!(
            "The agent {} on {instance} ({}) has sent no heartbeat for more than {STALE_AFTER_MINUTES} minutes (last: {last}). Its host data is not current, so the {} package(s) could not assess this instance, and its network findings do not use its listeners.",
            agent.id,
            agent.hostname,
            packages.join(", ")
        ),
        recommendation: format!(
            "Check that kensa-agent runs on {instance} (systemctl status kensa-agent) and can reach the server; the exclusion clears at the first run after it reports again."
        ),
        scope: ExclusionScope::InstanceId(instance.to_string()),
        attributes,
    }
}
