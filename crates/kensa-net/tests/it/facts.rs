//! Facts on a small hand-made account: the shapes the demo snapshot also has.
use kensa_model::Snapshot;
use kensa_net::findings::findings;
use kensa_net::path::{query, Endpoint, Verdict};
use kensa_net::{analyze, SourceClass};

use crate::build::*;

pub fn account() -> Snapshot {
    let mut b = B::default();
    b.vpc("vpc-a", &["10.0.0.0/16", "2600:1f00::/56"])
        .vpc("vpc-b", &["192.168.0.0/16"])
        .igw("igw-a", "vpc-a")
        .vgw("vgw-a", "vpc-a")
        .pcx(
            "pcx-ab",
            ("vpc-a", "10.0.0.0/16"),
            ("vpc-b", "192.168.0.0/16"),
            true,
        )
        .subnet("subnet-pub", "vpc-a", "10.0.1.0/24")
        .subnet("subnet-priv", "vpc-a", "10.0.2.0/24")
        .subnet("subnet-db", "vpc-a", "10.0.3.0/24")
        .subnet("subnet-b", "vpc-b", "192.168.1.0/24")
        .route_table(
            "rtb-pub",
            "vpc-a",
            false,
            &["subnet-pub"],
            vec![
                route("10.0.0.0/16", "local"),
                route("0.0.0.0/0", "igw-a"),
                route("::/0", "igw-a"),
            ],
        )
        .route_table(
            "rtb-priv",
            "vpc-a",
            false,
            &["subnet-priv"],
            vec![
                route("10.0.0.0/16", "local"),
                route("0.0.0.0/0", "nat-1"),
                route("172.16.0.0/12", "vgw-a"),
                route("192.168.0.0/16", "pcx-ab"),
            ],
        )
        .route_table(
            "rtb-main",
            "vpc-a",
            true,
            &[],
            vec![
                route("10.0.0.0/16", "local"),
                route("192.168.0.0/16", "pcx-ab"),
            ],
        )
        .route_table(
            "rtb-b",
            "vpc-b",
            true,
            &[],
            vec![
                route("192.168.0.0/16", "local"),
                route("10.0.0.0/16", "pcx-ab"),
            ],
        )
        .nacl("acl-pub", "vpc-a", &["subnet-pub"], {
            let mut e = vec![entry(
                90,
                "6",
                false,
                false,
                "0.0.0.0/0",
                Some((3389, 3389)),
            )];
            e.extend(allow_all_entries());
            e
        })
        .sg("sg-ssh", "vpc-a", vec![perm("tcp", 22, 22, &["0.0.0.0/0"])])
        .sg(
            "sg-rdp",
            "vpc-a",
            vec![
                perm("tcp", 3389, 3389, &["0.0.0.0/0"]),
                perm("tcp", 22, 22, &["0.0.0.0/0"]),
            ],
        )
        .sg("sg-all", "vpc-a", vec![perm("-1", -1, -1, &["0.0.0.0/0"])])
        .sg(
            "sg-db",
            "vpc-a",
            vec![perm("tcp", 5432, 5432, &["192.168.0.0/16", "sg-ssh"])],
        )
        .sg("sg-v6", "vpc-a", vec![perm("tcp", 443, 443, &["::/0"])])
        .sg("sg-b", "vpc-b", vec![])
        .instance(
            "ssh",
            "subnet-pub",
            "vpc-a",
            "10.0.1.10",
            Some("3.3.3.10"),
            None,
            &["sg-ssh"],
        )
        .instance(
            "rdp",
            "subnet-pub",
            "vpc-a",
            "10.0.1.11",
            Some("3.3.3.11"),
            None,
            &["sg-rdp"],
        )
        .instance(
            "v6",
            "subnet-pub",
            "vpc-a",
            "10.0.1.12",
            None,
            Some("2600:1f00::10"),
            &["sg-v6"],
        )
        .instance(
            "all",
            "subnet-priv",
            "vpc-a",
            "10.0.2.10",
            None,
            None,
            &["sg-all"],
        )
        .instance(
            "db",
            "subnet-db",
            "vpc-a",
            "10.0.3.10",
            None,
            None,
            &["sg-db"],
        )
        .instance(
            "peer",
            "subnet-b",
            "vpc-b",
            "192.168.1.5",
            None,
            None,
            &["sg-b"],
        );
    b.s
}

fn has(fs: &[kensa_model::Finding], instance: &str, class: &str, port: &str) -> bool {
    fs.iter().any(|f| {
        f.resource.id == instance
            && f.rule_id == "RecognizedPortNoAgent"
            && f.attributes["REACHABILITY_TYPE"] == class
            && f.attributes["PORT_RANGE"] == port
    })
}

#[test]
fn scan_reports_exactly_the_reachable_recognized_ports() {
    let snap = account();
    let a = analyze(&snap);
    let fs = findings(&a);
    assert!(has(&fs, "i-ssh", "Internet", "22"));
    assert!(has(&fs, "i-rdp", "Internet", "22"));
    // The NACL denies 3389 before allowing everything.
    assert!(!has(&fs, "i-rdp", "Internet", "3389"));
    // All traffic allowed, but no public IP and no IGW route: not Internet-reachable.
    assert!(!fs
        .iter()
        .any(|f| f.resource.id == "i-all" && f.attributes["REACHABILITY_TYPE"] == "Internet"));
    assert!(has(&fs, "i-all", "VGW", "22"));
    assert!(has(&fs, "i-all", "PeeredVPC", "3389"));
    // The database is reachable from the peered VPC only.
    let db: Vec<_> = fs.iter().filter(|f| f.resource.id == "i-db").collect();
    assert!(has(&fs, "i-db", "PeeredVPC", "5432"));
    assert!(
        db.iter()
            .all(|f| f.attributes["REACHABILITY_TYPE"] == "PeeredVPC"),
        "{db:#?}"
    );
    // IPv6-only exposure through the IGW.
    assert!(has(&fs, "i-v6", "Internet", "443"));
    let v6 = fs
        .iter()
        .find(|f| f.resource.id == "i-v6" && f.rule_id == "RecognizedPortNoAgent")
        .unwrap();
    let kensa_model::Evidence::NetworkPath(ev) = v6.evidence.as_ref().unwrap() else {
        panic!()
    };
    // Public IPv6 space (2000::/3 less its special-purpose blocks), never ::/0.
    let public_v6 = kensa_net::public::PublicSpace::default()
        .addrs()
        .intersect(&kensa_net::rangeset::AddrSet::all_v6())
        .to_cidrs();
    assert_eq!(ev.source_cidrs, public_v6);
    assert!(
        v6.description.contains("any public IPv6 address"),
        "{}",
        v6.description
    );
}

#[test]
fn exposure_sets_are_exact() {
    let snap = account();
    let a = analyze(&snap);
    let all = a.enis.iter().find(|r| r.eni == "eni-all").unwrap();
    let vgw = all
        .exposures
        .iter()
        .find(|x| x.class == SourceClass::VGW)
        .unwrap();
    let sources = kensa_net::flow::all_sources(&vgw.flows);
    assert_eq!(sources.to_cidrs(), vec!["172.16.0.0/12"]);
    assert_eq!(vgw.gateways[0].0, "vgw-a");
    let peer = all
        .exposures
        .iter()
        .find(|x| x.class == SourceClass::PeeredVPC)
        .unwrap();
    assert_eq!(
        kensa_net::flow::all_sources(&peer.flows).to_cidrs(),
        vec!["192.168.0.0/16"]
    );
    assert!(!all
        .exposures
        .iter()
        .any(|x| x.class == SourceClass::Internet));
}

#[test]
fn recommendation_names_the_rule() {
    let snap = account();
    let fs = findings(&analyze(&snap));
    let f = fs
        .iter()
        .find(|f| {
            f.resource.id == "i-ssh" && f.attributes.get("PORT").map(String::as_str) == Some("22")
        })
        .unwrap();
    assert!(f.recommendation.contains("sg-ssh"), "{}", f.recommendation);
    assert!(
        f.recommendation.contains("0.0.0.0/0"),
        "{}",
        f.recommendation
    );
    assert_eq!(f.attributes["IGW"], "igw-a");
    assert_eq!(f.attributes["SECURITY_GROUP"], "sg-ssh");
    let again = findings(&analyze(&snap));
    assert_eq!(fs, again, "findings are deterministic");
}

fn q(
    snap: &Snapshot,
    from: &str,
    to: &str,
    proto: &str,
    port: Option<u16>,
) -> kensa_net::path::PathAnswer {
    query(
        snap,
        &from.parse::<Endpoint>().unwrap(),
        &to.parse::<Endpoint>().unwrap(),
        proto,
        port,
    )
    .unwrap()
}

#[test]
fn path_queries_explain_verdicts() {
    let snap = account();
    let ok = q(&snap, "internet", "i-ssh", "tcp", Some(22));
    assert_eq!(ok.verdict, Verdict::Reachable);
    let ids: Vec<&str> = ok.path.iter().map(|h| h.component_id.as_str()).collect();
    assert_eq!(
        ids,
        ["igw-a", "rtb-pub", "acl-pub", "sg-ssh", "eni-ssh", "i-ssh"]
    );

    let nacl = q(&snap, "internet", "i-rdp", "tcp", Some(3389));
    assert_eq!(nacl.blocked_at.unwrap().code, "SUBNET_ACL_RESTRICTION");

    let private = q(&snap, "internet", "i-all", "tcp", Some(22));
    assert_eq!(private.blocked_at.unwrap().code, "NO_ROUTE_TO_IGW");

    let by_private_ip = q(&snap, "internet", "10.0.1.10", "tcp", Some(22));
    assert_eq!(
        by_private_ip.blocked_at.unwrap().code,
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    );

    let sg = q(&snap, "internet", "i-ssh", "tcp", Some(80));
    let b = sg.blocked_at.unwrap();
    assert_eq!(
        (b.code.as_str(), b.component_id.as_str()),
        ("ENI_SG_RULES_MISMATCH", "sg-ssh")
    );

    let a = q(&snap, "i-ssh", "i-db", "tcp", Some(5432));
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(
        q(&snap, "i-rdp", "i-db", "tcp", Some(5432))
            .blocked_at
            .unwrap()
            .code,
        "ENI_SG_RULES_MISMATCH"
    );
    let peered = q(&snap, "i-peer", "i-db", "tcp", Some(5432));
    assert_eq!(peered.verdict, Verdict::Reachable, "{peered:#?}");
    assert!(peered.path.iter().any(|h| h.component_id == "pcx-ab"));
    assert_eq!(
        q(&snap, "192.168.1.77", "i-db", "tcp", Some(5432)).verdict,
        Verdict::Reachable
    );
    assert_eq!(
        q(&snap, "internet", "i-v6", "tcp", Some(443)).verdict,
        Verdict::Reachable
    );
    assert_eq!(
        q(&snap, "i-ssh", "i-rdp", "all", None)
            .blocked_at
            .unwrap()
            .code,
        "ENI_SG_RULES_MISMATCH"
    );
}

#[test]
fn inactive_peering_blocks() {
    let mut snap = account();
    snap.vpc_peering_connections
        .get_mut("pcx-ab")
        .unwrap()
        .status
        .as_mut()
        .unwrap()
        .code = "deleted".into();
    let fs = findings(&analyze(&snap));
    assert!(!fs
        .iter()
        .any(|f| f.attributes["REACHABILITY_TYPE"] == "PeeredVPC"));
    let ans = q(&snap, "i-peer", "i-db", "tcp", Some(5432));
    assert_eq!(ans.blocked_at.unwrap().code, "BAD_STATE_VPC_PEERING");
}
