//! `kensa scope`: Network Access Analyzer scopes answered over the demo account and the
//! corpus, each answer checked against the path query (the per-packet evaluator).
use std::net::IpAddr;
use std::path::PathBuf;

use kensa_model::Snapshot;
use kensa_net::flow::{contains, Lattice, TCP};
use kensa_net::path::{query, Endpoint, Verdict};
use kensa_net::scope::{
    evaluate, findings, parse_scope, End, FindingOptions, Limits, ScopeMatch, RULE_MATCH,
};

const WIN: &str = "i-0a1b2c3d4e5f60001";
const LINUX: &str = "i-0a1b2c3d4e5f60002";
const BUILD: &str = "i-0a1b2c3d4e5f60003";
const DB: &str = "i-0a1b2c3d4e5f60009";
const ETL: &str = "i-0a1b2c3d4e5f60010";

fn example(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/scopes")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The instance (or ENI) id of an end, or the gateway id.
fn name(a: &kensa_net::Analysis, e: &End) -> String {
    match e {
        End::Eni(i) => {
            let eni = &a.engine.idx.enis[*i];
            eni.instance_id.unwrap_or(&eni.id).to_string()
        }
        End::Gateway(_, id) => id.clone(),
    }
}

fn answer(snap: &Snapshot, text: &str) -> Result<Vec<ScopeMatch>, String> {
    let a = kensa_net::analyze(snap);
    let spec = parse_scope(text).map_err(|e| e.to_string())?;
    evaluate(&a, &spec, Limits::default()).map_err(|e| e.to_string())
}

fn instances(snap: &Snapshot) -> Vec<String> {
    snap.instances.keys().cloned().collect()
}

#[test]
fn internet_to_admin_ports_agrees_with_the_path_query() {
    let snap = kensa_model::demo::snapshot();
    let a = kensa_net::analyze(&snap);
    let ms = answer(&snap, &example("internet-to-admin-ports.json")).unwrap();
    let mut got: Vec<(String, String)> = ms
        .iter()
        .map(|m| {
            let ports = kensa_net::findings::describe_flows(&m.flows);
            (name(&a, &m.destination), format!("{ports:?}"))
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (WIN.to_string(), r#"[("TCP", "3389")]"#.to_string()),
            (LINUX.to_string(), r#"[("TCP", "22")]"#.to_string()),
            (BUILD.to_string(), r#"[("TCP", "22")]"#.to_string()),
        ]
    );
    // Every instance and admin port: the scope says reachable exactly when the path
    // query does.
    for i in instances(&snap) {
        for port in [22u16, 3389, 5432, 3306, 1433] {
            let p = query(
                &snap,
                &Endpoint::Internet,
                &Endpoint::Named(i.clone()),
                "tcp",
                Some(port),
            )
            .unwrap();
            let in_scope = ms.iter().any(|m| {
                name(&a, &m.destination) == i
                    && m.flows
                        .segments()
                        .iter()
                        .any(|(lo, hi, pm)| (*lo..=*hi).contains(&TCP) && pm.get(port).is_some())
            });
            assert_eq!(
                in_scope,
                p.verdict == Verdict::Reachable,
                "{i} tcp {port}: {p:?}"
            );
        }
    }
    for m in &ms {
        assert_eq!(
            m.hops.first().unwrap().component_type,
            "AWS::EC2::InternetGateway"
        );
    }
}

#[test]
fn instances_to_the_internet_agree_with_the_path_query() {
    let snap = kensa_model::demo::snapshot();
    let a = kensa_net::analyze(&snap);
    let ms = answer(&snap, &example("instances-to-internet.json")).unwrap();
    let google: IpAddr = "8.8.8.8".parse().unwrap();
    for i in instances(&snap) {
        for port in [443u16, 25, 8080] {
            let p = query(
                &snap,
                &Endpoint::Named(i.clone()),
                &Endpoint::Internet,
                "tcp",
                Some(port),
            )
            .unwrap();
            let in_scope = ms.iter().any(|m| {
                name(&a, &m.source) == i
                    && m.verdict == Verdict::Reachable
                    && contains(&m.flows, TCP, port, google)
            });
            assert_eq!(
                in_scope,
                p.verdict == Verdict::Reachable,
                "{i} tcp {port}: {p:?}"
            );
        }
    }
    // Private destinations are never "the Internet".
    let private: IpAddr = "10.9.9.9".parse().unwrap();
    assert!(ms.iter().all(|m| !contains(&m.flows, TCP, 443, private)));
    assert!(ms.iter().any(|m| m
        .hops
        .iter()
        .any(|h| h.component_type == "AWS::EC2::NatGateway")));
}

#[test]
fn vpc_to_vpc_and_tag_segments_find_the_etl_path_to_the_database() {
    let snap = kensa_model::demo::snapshot();
    let a = kensa_net::analyze(&snap);
    for f in ["vpc-to-vpc.json", "segments-by-tag.json"] {
        let ms = answer(&snap, &example(f)).unwrap();
        let got: Vec<(String, String)> = ms
            .iter()
            .map(|m| (name(&a, &m.source), name(&a, &m.destination)))
            .collect();
        assert_eq!(got, [(ETL.to_string(), DB.to_string())], "{f}");
        let ports = kensa_net::findings::describe_flows(&ms[0].flows);
        assert_eq!(ports, [("TCP".to_string(), "5432".to_string())], "{f}");
        assert!(ms[0]
            .hops
            .iter()
            .any(|h| h.component_type == "AWS::EC2::VPCPeeringConnection"));
        for port in [5432u16, 5433, 22] {
            let p = query(
                &snap,
                &Endpoint::Named(ETL.into()),
                &Endpoint::Named(DB.into()),
                "tcp",
                Some(port),
            )
            .unwrap();
            assert_eq!(p.verdict == Verdict::Reachable, port == 5432, "{port}");
        }
    }
}

#[test]
fn exclude_paths_remove_exactly_the_traffic_they_describe() {
    let snap = kensa_model::demo::snapshot();
    let scope = |exclude: &str| {
        format!(
            r#"{{"MatchPaths": [{{"Source": {{"ResourceStatement": {{"Resources": ["vpc-07e3b9d2c5a1f4e68"]}}}},
            "Destination": {{"ResourceStatement": {{"Resources": ["{DB}"]}}}}}}],
            "ExcludePaths": [{exclude}]}}"#
        )
    };
    let keep = r#"{"Destination": {"PacketHeaderStatement": {"DestinationPorts": ["443"]}}}"#;
    assert_eq!(answer(&snap, &scope(keep)).unwrap().len(), 1);
    let drop = r#"{"Destination": {"PacketHeaderStatement": {"DestinationPorts": ["5000-6000"]}}}"#;
    assert!(answer(&snap, &scope(drop)).unwrap().is_empty());
    let through = r#"{"ThroughResources": [{"ResourceStatement": {"ResourceTypes": ["AWS::EC2::VPCPeeringConnection"]}}]}"#;
    assert!(answer(&snap, &scope(through)).unwrap().is_empty());
}

#[test]
fn a_scope_that_must_match_nothing_matches_nothing() {
    let snap = kensa_model::demo::snapshot();
    assert!(answer(&snap, &example("internet-to-telnet-none.json"))
        .unwrap()
        .is_empty());
}

#[test]
fn matches_become_findings_with_paths() {
    let snap = kensa_model::demo::snapshot();
    let a = kensa_net::analyze(&snap);
    let spec = parse_scope(&example("internet-to-admin-ports.json")).unwrap();
    let ms = evaluate(&a, &spec, Limits::default()).unwrap();
    let o = FindingOptions {
        scope: "admin".into(),
        severity: kensa_model::Severity::High,
    };
    let fs = findings(&a, &ms, &o);
    assert_eq!(fs.len(), 3);
    for f in &fs {
        assert_eq!(f.rule_id, RULE_MATCH);
        assert_eq!(f.severity, kensa_model::Severity::High);
        assert_eq!(f.attributes["SCOPE"], "admin");
        assert!(!f.attributes["SOURCE_CIDRS"].contains("10.0.0.0"));
        let Some(kensa_model::Evidence::NetworkPath(ev)) = &f.evidence else {
            panic!("no path");
        };
        assert!(ev.network_path.steps.len() >= 4);
    }
    // Same input, same ids and order.
    assert_eq!(fs, findings(&a, &ms, &o));
}

#[test]
fn unsupported_parts_are_errors_with_their_json_path() {
    let snap = kensa_model::demo::snapshot();
    let cases = [
        (
            r#"{"MatchPaths": [{"Source": {"PacketHeaderStatement": {"SourcePorts": ["22"]}}}]}"#,
            "$.MatchPaths[0].Source.PacketHeaderStatement.SourcePorts",
        ),
        (
            r#"{"MatchPaths": [{"Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NatGateway"]}}}]}"#,
            "$.MatchPaths[0].Destination.ResourceStatement.ResourceTypes[0]",
        ),
        (
            r#"{"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["i-0doesnotexist"]}}}]}"#,
            "$.MatchPaths[0].Source.ResourceStatement.Resources[0]",
        ),
        (
            r#"{"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["i-1"], "ResourceTypes": ["AWS::EC2::Instance"]}}}]}"#,
            "$.MatchPaths[0].Source.ResourceStatement",
        ),
        (
            r#"{"MatchPaths": [{"Source": {}, "Via": []}]}"#,
            "$.MatchPaths[0].Via",
        ),
        (
            r#"{"MatchPaths": [{"Destination": {"PacketHeaderStatement": {"Protocols": ["icmp"]}}}]}"#,
            "$.MatchPaths[0].Destination.PacketHeaderStatement.Protocols[0]",
        ),
        (
            r#"{"MatchPaths": [{"Destination": {"PacketHeaderStatement": {"DestinationPorts": ["70000"]}}}]}"#,
            "$.MatchPaths[0].Destination.PacketHeaderStatement.DestinationPorts[0]",
        ),
        (r#"{"ExcludePaths": []}"#, "$"),
        (
            r#"{"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["igw-0e8f1a2b3c4d5e6f7"]}},
             "Destination": {"ResourceStatement": {"Resources": ["vgw-0d4e5f6a7b8c9d0e1"]}}}]}"#,
            "MatchPaths[0]",
        ),
    ];
    for (text, path) in cases {
        let e = answer(&snap, text).unwrap_err();
        assert!(e.starts_with(&format!("{path}: ")), "{text}\n{e}");
    }
    // The content wrapper `get-network-insights-access-scope-content` prints is accepted.
    let wrapped = format!(
        r#"{{"NetworkInsightsAccessScopeContent": {}}}"#,
        example("internet-to-telnet-none.json")
    );
    assert!(answer(&snap, &wrapped).unwrap().is_empty());
}

#[test]
fn corpus_snapshots_answer_every_example_scope() {
    let Some(root) = std::env::var_os("KENSA_CORPUS") else {
        eprintln!("KENSA_CORPUS not set; skipped");
        return;
    };
    let root = PathBuf::from(root).join("aws");
    for case in ["batfish", "cloudmapper-demo"] {
        let dir = root.join(case);
        if !dir.is_dir() {
            continue;
        }
        {
            let snap = Snapshot::load(&dir).unwrap();
            let a = kensa_net::analyze(&snap);
            // Internet to admin ports: the scope's matches are the engine's Internet
            // exposures on those ports, ENI for ENI.
            let ms = answer(&snap, &example("internet-to-admin-ports.json")).unwrap();
            for m in &ms {
                assert!(matches!(m.source, End::Gateway(..)), "{case}");
                assert!(!m.flows.is_empty());
            }
            let exposed = a.enis.iter().filter(|r| {
                r.exposures.iter().any(|x| {
                    x.class == kensa_net::SourceClass::Internet
                        && [22u16, 3389, 5432, 3306, 1433].iter().any(|&p| {
                            x.flows.segments().iter().any(|(lo, hi, pm)| {
                                (*lo..=*hi).contains(&TCP) && pm.get(p).is_some()
                            })
                        })
                })
            });
            let reached: std::collections::BTreeSet<usize> = ms
                .iter()
                .filter(|m| m.verdict == Verdict::Reachable)
                .filter_map(|m| match m.destination {
                    End::Eni(i) => Some(i),
                    _ => None,
                })
                .collect();
            assert_eq!(
                exposed
                    .map(|r| r.eni_index)
                    .collect::<std::collections::BTreeSet<_>>(),
                reached,
                "{case}"
            );
            // Egress: a packet of every reachable match is reachable for the path query too.
            let out = answer(&snap, &example("instances-to-internet.json")).unwrap();
            for m in out
                .iter()
                .filter(|m| m.verdict == Verdict::Reachable)
                .take(50)
            {
                let End::Eni(i) = m.source else {
                    panic!("{case}: egress from a gateway");
                };
                let (p, pm) = (m.flows.segments()[0].0, &m.flows.segments()[0].2);
                let (port, _, addrs) = &pm.segments()[0];
                let dst = addrs.sample().unwrap();
                let from = Endpoint::Named(a.engine.idx.enis[i].id.to_string());
                let proto = if p == TCP { "tcp" } else { "udp" };
                let q = query(&snap, &from, &Endpoint::Ip(dst), proto, Some(*port)).unwrap();
                assert_eq!(q.verdict, Verdict::Reachable, "{case}: {m:?} {q:?}");
            }
        }
    }
}
