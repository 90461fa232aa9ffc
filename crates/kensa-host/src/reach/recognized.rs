//! `RecognizedPortNoAgent` → `RecognizedPortWithListener` / `RecognizedPortNoListener`.
use std::net::IpAddr;

use kensa_model::{finding_id, Evidence, Finding};

use super::listeners::{
    attributes, describe, loopback_listeners, parse_range, proto_of, reachable_listeners,
    source_families,
};
use super::{HostListeners, RULE_NO_LISTENER, RULE_WITH_LISTENER};

/// The sentence the engine writes where it cannot know about listeners.
const NO_AGENT_SENTENCE: &str =
    " Without an agent kensa cannot tell whether a process listens on it.";

/// Rewrites one recognised-port finding with the host's listeners. A finding whose
/// protocol or ports cannot be read is returned unchanged (never guessed "no listener").
pub(super) fn rewrite(mut f: Finding, host: &HostListeners, eni: &[IpAddr]) -> Finding {
    let proto = f.attributes.get("PROTOCOL").and_then(|p| proto_of(p));
    let range = f.attributes.get("PORT_RANGE").and_then(|r| parse_range(r));
    let (Some(proto), Some((lo, hi))) = (proto, range) else {
        return f;
    };
    let sources = match &f.evidence {
        Some(Evidence::NetworkPath(n)) => source_families(&n.source_cidrs),
        _ => (true, true),
    };
    let found = reachable_listeners(&host.listeners, proto, (lo, hi), eni, sources);
    let base = f.description.replace(NO_AGENT_SENTENCE, "");
    let seen = format!(
        "(telemetry collected {} from {})",
        host.collected_at, host.source
    );
    let rule = if found.is_empty() {
        let local = loopback_listeners(&host.listeners, proto, lo, hi);
        let local = if local.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = local.iter().map(|l| describe(l)).collect();
            format!(
                " {} listens on loopback only, which no other host can reach.",
                names.join("; ")
            )
        };
        f.description =
            format!("{base} No process listens on it on a reachable address {seen}.{local}");
        f.recommendation = format!(
            "{} Nothing listens there now: closing the port keeps a service started later from being exposed.",
            f.recommendation
        );
        RULE_NO_LISTENER
    } else {
        let names: Vec<String> = found.iter().map(|l| describe(l)).collect();
        f.description = format!("{base} Listening: {} {seen}.", names.join("; "));
        attributes(&found, &mut f.attributes);
        RULE_WITH_LISTENER
    };
    f.id = finding_id(rule, &f.id, &[]);
    f.rule_id = rule.into();
    f.attributes.insert("RULE_TYPE".into(), rule.into());
    f.attributes
        .insert("TELEMETRY_COLLECTED_AT".into(), host.collected_at.clone());
    f
}
