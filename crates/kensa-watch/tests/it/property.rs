//! The incremental model agrees exactly with a full analysis of the same final state,
//! over random sequences of every event kind (including ones that cannot be applied).
use kensa_watch::exposure::from_analysis;
use kensa_watch::ChangeEvent;
use proptest::prelude::*;

use crate::events::*;
use crate::watcher;

const GROUPS: [&str; 3] = ["sg-web", "sg-db", "sg-unused"];
const PORTS: [i32; 5] = [22, 80, 443, 5432, 3389];
const CIDRS: [&str; 3] = ["0.0.0.0/0", "10.0.0.0/8", "203.0.113.0/24"];
const TABLES: [&str; 2] = ["rtb-pub", "rtb-main"];
const SUBNETS: [&str; 2] = ["subnet-pub", "subnet-priv"];

/// One event from a kind and a few choices; `step` makes new ids unique.
fn make(kind: u8, a: usize, b: usize, c: usize, step: usize) -> ChangeEvent {
    let g = GROUPS[a % 3];
    let port = PORTS[b % 5];
    let cidr = CIDRS[c % 3];
    let proto = if c % 2 == 0 { "tcp" } else { "udp" };
    match kind % 16 {
        0 => authorize(g, &format!("sgr-p{step}"), proto, port, cidr),
        1 => revoke(g, proto, port, cidr),
        2 => modify_rule("sg-web", "sgr-web443", "tcp", port, cidr),
        3 => delete_route(TABLES[a % 2], "0.0.0.0/0"),
        4 => create_route(TABLES[a % 2], "0.0.0.0/0", "igw-1"),
        5 => associate_route_table(TABLES[a % 2], SUBNETS[b % 2], &format!("rtbassoc-p{step}")),
        6 => {
            let action = if c % 2 == 0 { "allow" } else { "deny" };
            let number = [50, 60, 100][a % 3];
            nacl_entry("CreateNetworkAclEntry", "acl-open", number, action, port)
        }
        7 => delete_nacl_entry("acl-open", [50, 60, 100][a % 3]),
        8 => replace_nacl_association(
            ["aclassoc-pub", "aclassoc-priv"][a % 2],
            ["acl-open", "acl-closed"][b % 2],
            ["aclassoc-pub", "aclassoc-priv"][a % 2],
        ),
        9 => igw(
            ["DetachInternetGateway", "AttachInternetGateway"][a % 2],
            "igw-1",
            "vpc-1",
        ),
        10 if a % 2 == 0 => disassociate_address("eipassoc-pub"),
        10 => associate_address(
            ["eipalloc-pub", "eipalloc-free"][b % 2],
            ["i-pub", "i-priv"][c % 2],
            "eipassoc-pub",
        ),
        11 => run_instance(
            &format!("i-p{step}"),
            &format!("eni-p{step}"),
            SUBNETS[a % 2],
            &format!("10.0.{}.{}", 1 + a % 2, 100 + step),
            g,
            b % 2 == 0,
        ),
        12 => modify_eni_groups(
            ["eni-pub", "eni-priv"][a % 2],
            &[GROUPS[b % 3], GROUPS[c % 3]],
        ),
        13 => modify_instance_groups(["i-pub", "i-priv"][a % 2], &[GROUPS[b % 3]]),
        14 if a % 2 == 0 => create_group(&format!("sg-p{step}"), &format!("p{step}")),
        14 => delete_group("sg-unused"),
        _ => replace_route_table_association(
            ["rtbassoc-pub", "rtbassoc-main"][a % 2],
            TABLES[b % 2],
            ["rtbassoc-pub", "rtbassoc-main"][a % 2],
        ),
    }
}

proptest! {
    // 96 cases unless PROPTEST_CASES says otherwise.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96)
    ))]
    #[test]
    fn incremental_equals_full_analysis(
        steps in prop::collection::vec((any::<u8>(), 0usize..6, 0usize..6, 0usize..6), 1..14)
    ) {
        let mut w = watcher();
        for (step, (kind, a, b, c)) in steps.into_iter().enumerate() {
            let ev = make(kind, a, b, c, step);
            w.process(&ev);
            let analysis = kensa_net::analyze(w.snapshot());
            let full = from_analysis(&analysis);
            prop_assert_eq!(
                w.exposures(), &full,
                "after step {} ({})", step, ev.event_name
            );
            let members = analysis.engine.idx.group_members.clone();
            drop(analysis);
            for g in GROUPS {
                let want = members.get(g).cloned().unwrap_or_default();
                prop_assert_eq!(w.group_members(g), want, "members of {} after step {}", g, step);
            }
        }
    }
}

/// The same on the model generator's account (peering, transit gateway, load balancers,
/// rules naming groups): SSH opened and closed on group after group; what reaches
/// targets through the load balancers too.
#[test]
fn incremental_equals_full_analysis_on_a_synthetic_account() {
    use kensa_model::synth::{self, SynthParams};
    let files = synth::account(&SynthParams {
        instances: 400,
        ..SynthParams::default()
    });
    let snap = kensa_model::Snapshot::from_documents(files.iter().map(|(path, json)| {
        kensa_model::Document::new(path.clone(), kensa_model::Scope::default(), json)
    }));
    let mut w = kensa_watch::Watcher::new(snap);
    let events = kensa_watch::synth::ssh_churn(w.snapshot(), 24);
    let mut alerts = 0;
    for (i, ev) in events.iter().enumerate() {
        alerts += w.process(ev).len();
        if i % 6 == 5 {
            let analysis = kensa_net::analyze(w.snapshot());
            assert_eq!(w.exposures(), &from_analysis(&analysis), "after event {i}");
            let through_lbs = kensa_watch::lb_exposure::from_analysis(&analysis);
            assert_eq!(
                w.lb_exposures(),
                &through_lbs,
                "load balancers after event {i}"
            );
        }
    }
    assert!(alerts > 0, "opening SSH on groups in use alerts");
}
