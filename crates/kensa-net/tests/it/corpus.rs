//! Third-party expectations (Batfish end-to-end tests, CloudMapper's public-resource
//! test) on their own snapshots, as path verdicts and as scan findings. Each fact cites
//! its number in the snapshot's EXPECTED.md. Batfish's "default flow" is IP protocol 0,
//! which is `--protocol all` here.
use std::path::PathBuf;

use kensa_model::{Finding, Snapshot};
use kensa_net::findings::findings;
use kensa_net::path::{query, Endpoint, PathAnswer, Verdict};

fn corpus() -> Option<PathBuf> {
    // KENSA_CORPUS, else `../shared/corpus` beside the workspace (searched upwards, so a
    // git worktree one level deeper finds it too).
    let dir = std::env::var_os("KENSA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            manifest
                .ancestors()
                .skip(3)
                .map(|a| a.join("shared/corpus"))
                .find(|d| d.is_dir())
                .unwrap_or_else(|| manifest.join("../../../shared/corpus"))
        });
    if dir.join("aws").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: corpus not found at {}; corpus tests skipped",
            dir.display()
        );
        None
    }
}

fn load(case: &str) -> Option<Snapshot> {
    let dir = corpus()?.join("aws").join(case);
    Some(Snapshot::load(&dir).unwrap_or_else(|e| panic!("{case}: {e}")))
}

fn q(snap: &Snapshot, from: &str, to: &str, proto: &str, port: Option<u16>) -> PathAnswer {
    query(
        snap,
        &from.parse::<Endpoint>().unwrap(),
        &to.parse::<Endpoint>().unwrap(),
        proto,
        port,
    )
    .unwrap()
}

fn code(a: &PathAnswer) -> &str {
    a.blocked_at.as_ref().map(|b| b.code.as_str()).unwrap_or("")
}

fn on<'a>(fs: &'a [Finding], res: &str, class: &str) -> Vec<&'a Finding> {
    fs.iter()
        .filter(|f| f.resource.id == res && f.attributes["REACHABILITY_TYPE"] == class)
        .collect()
}

fn ports(fs: &[&Finding]) -> Vec<String> {
    let mut v: Vec<String> = fs
        .iter()
        .filter(|f| f.rule_id == "RecognizedPortNoAgent")
        .map(|f| {
            format!(
                "{} {}",
                f.attributes["PROTOCOL"], f.attributes["PORT_RANGE"]
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn batfish_public_subnet() {
    let Some(snap) = load("batfish/test-public-subnet") else {
        return;
    };
    let inst = "i-06669a407b2ef3ae5";
    // Fact 1: Internet -> public IP, TCP 80: denied by the security group, through the IGW.
    let a = q(&snap, "internet", "18.216.80.133", "tcp", Some(80));
    assert_eq!(code(&a), "ENI_SG_RULES_MISMATCH");
    assert_eq!(a.path[0].component_id, "igw-0a409e562d251f766");
    // Fact 3: Internet -> the private IP is dropped (no public association).
    assert_eq!(
        code(&q(&snap, "internet", "10.0.0.91", "all", None)),
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    );
    // Context: the group allows TCP 22 from 0.0.0.0/0, so SSH is reachable and reported.
    assert_eq!(
        q(&snap, "internet", inst, "tcp", Some(22)).verdict,
        Verdict::Reachable
    );
    let fs = findings(&kensa_net::analyze(&snap));
    assert_eq!(ports(&on(&fs, inst, "Internet")), ["TCP 22"]);
}

#[test]
fn batfish_public_private_subnet() {
    let Some(snap) = load("batfish/test-public-private-subnet") else {
        return;
    };
    let (public, private) = ("i-094a9e5b545a4fde4", "i-099cf38911942421c");
    // Fact 2: private -> public instance's private IP, default flow: the SG drops it.
    let a = q(&snap, private, "10.0.0.47", "all", None);
    assert_eq!(
        (
            code(&a),
            a.blocked_at.as_ref().unwrap().component_type.as_str()
        ),
        ("ENI_SG_RULES_MISMATCH", "AWS::EC2::SecurityGroup")
    );
    // Fact 3: public -> private instance: the SG drops it.
    assert_eq!(
        code(&q(&snap, public, private, "all", None)),
        "ENI_SG_RULES_MISMATCH"
    );
    // Fact 4: Internet -> public IP, default flow: through the IGW, dropped by the SG.
    let a = q(&snap, "internet", "13.58.55.60", "all", None);
    assert_eq!(code(&a), "ENI_SG_RULES_MISMATCH");
    assert!(a
        .path
        .iter()
        .any(|h| h.component_id == "igw-0eac198308206c358"));
    // Fact 5: Internet -> the private IP is dropped.
    assert_eq!(
        code(&q(&snap, "internet", "10.0.0.47", "all", None)),
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    );
    // Fact 9: from the VGW side (an on-premises source) the private instance's SG drops
    // the default flow. Batfish also delivers VGW traffic to the public instance although
    // its subnet routes replies to the IGW; in AWS the reply would not return through
    // the VGW, so kensa blocks that flow at the return route (an asymmetric path).
    assert_eq!(
        code(&q(&snap, "19.168.0.1", private, "all", None)),
        "ENI_SG_RULES_MISMATCH"
    );
    assert_eq!(
        q(&snap, "19.168.0.1", "10.0.0.47", "all", None).verdict,
        Verdict::Blocked
    );
    // Scan: SSH on the public instance from the Internet; on the private instance only
    // from the VGW (its main route table sends 0.0.0.0/0 to the VGW).
    let fs = findings(&kensa_net::analyze(&snap));
    assert_eq!(ports(&on(&fs, public, "Internet")), ["TCP 22"]);
    assert!(on(&fs, public, "VGW").is_empty());
    assert_eq!(ports(&on(&fs, private, "VGW")), ["TCP 22"]);
    assert!(on(&fs, private, "Internet").is_empty());
    assert_eq!(
        on(&fs, private, "VGW")[0].attributes["VGW"],
        "vgw-070087240d6fa2989"
    );
}

#[test]
fn batfish_subnet() {
    let Some(snap) = load("batfish/test-subnet") else {
        return;
    };
    // Fact 1: same subnet, default flow: only the SGs apply, and instance 2's denies.
    let a = q(&snap, "i-08ef86e76fceabd8d", "10.10.1.44", "all", None);
    assert_eq!(code(&a), "ENI_SG_RULES_MISMATCH");
    assert!(
        !a.path
            .iter()
            .any(|h| h.component_type == "AWS::EC2::NetworkAcl"),
        "no ACL inside a subnet: {a:#?}"
    );
    assert_eq!(
        a.blocked_at.unwrap().component_id,
        snap.instances["i-07519d6ba3f9497e4"].security_groups[0].group_id
    );
    // Context: SSH is allowed between them.
    assert_eq!(
        q(
            &snap,
            "i-08ef86e76fceabd8d",
            "i-07519d6ba3f9497e4",
            "tcp",
            Some(22)
        )
        .verdict,
        Verdict::Reachable
    );
    // No IGW: nothing is reachable from outside the VPC.
    assert!(findings(&kensa_net::analyze(&snap)).is_empty());
}

#[test]
fn batfish_vpc_peering() {
    let Some(snap) = load("batfish/test-vpc-peering") else {
        return;
    };
    let (a_inst, b_inst, c_inst) = (
        "i-06ba034d88c84ef07",
        "i-0b14080af811fda3d",
        "i-04a292ff83b3aa833",
    );
    // Facts 1 and 2: A <-> B over the peering, default flow denied by the SG at the far end.
    for (from, to) in [(a_inst, "192.168.1.106"), (b_inst, "10.10.10.157")] {
        let ans = q(&snap, from, to, "all", None);
        assert_eq!(code(&ans), "ENI_SG_RULES_MISMATCH", "{ans:#?}");
        assert!(ans
            .path
            .iter()
            .any(|h| h.component_id == "pcx-0b89b559e3319d6cf"));
    }
    // SSH over the peering is allowed.
    assert_eq!(
        q(&snap, a_inst, b_inst, "tcp", Some(22)).verdict,
        Verdict::Reachable
    );
    // Fact 3: an unused part of B/C's space has no route in A's route table.
    let ans = query(
        &snap,
        &a_inst.parse().unwrap(),
        &"192.168.100.1".parse().unwrap(),
        "all",
        None,
    )
    .unwrap();
    assert_eq!(ans.verdict, Verdict::Blocked);
    let b = ans.blocked_at.unwrap();
    assert_eq!(b.code, "NO_ROUTE_TO_DESTINATION");
    assert_eq!(b.component_type, "AWS::EC2::RouteTable");
    // Scan: each side reachable on SSH from exactly the peer CIDRs its routes send back.
    let fs = findings(&kensa_net::analyze(&snap));
    let src = |i: &str| {
        let f = on(&fs, i, "PeeredVPC")
            .into_iter()
            .find(|f| f.rule_id == "RecognizedPortNoAgent")
            .unwrap();
        let kensa_model::Evidence::NetworkPath(ev) = f.evidence.as_ref().unwrap() else {
            panic!()
        };
        let ev = serde_json::to_value(ev).unwrap();
        ev["sourceCidrs"].clone()
    };
    assert_eq!(
        src(a_inst),
        serde_json::json!(["192.168.1.0/24", "192.168.2.0/24"])
    );
    assert_eq!(src(b_inst), serde_json::json!(["10.10.0.0/16"]));
    assert_eq!(src(c_inst), serde_json::json!(["10.10.0.0/16"]));
    assert!(fs
        .iter()
        .all(|f| f.attributes["REACHABILITY_TYPE"] == "PeeredVPC"));
}

#[test]
fn batfish_nat_gateway() {
    let Some(snap) = load("batfish/test-nat-gateway") else {
        return;
    };
    let (private, jump) = ("i-0a128d26e59be60f3", "i-0b31b509174d7f5de");
    // Fact 3: unsolicited inbound to the NAT gateway's public IP is dropped.
    let to_nat = query(
        &snap,
        &Endpoint::Internet,
        &"3.135.127.225".parse().unwrap(),
        "tcp",
        Some(80),
    );
    assert!(to_nat.is_err() || to_nat.unwrap().verdict == Verdict::Blocked);
    // The private instance sits behind the NAT gateway: never reachable from the Internet.
    assert_eq!(
        code(&q(&snap, "internet", private, "tcp", Some(22))),
        "NO_ROUTE_TO_IGW"
    );
    let fs = findings(&kensa_net::analyze(&snap));
    assert!(on(&fs, private, "Internet").is_empty());
    assert!(fs.iter().all(|f| !f.resource.id.starts_with("nat-")));
    // Context: the jump host (public IP) allows SSH and ICMP echo from 0.0.0.0/0.
    assert_eq!(ports(&on(&fs, jump, "Internet")), ["TCP 22"]);
    assert_eq!(
        q(&snap, "internet", jump, "icmp", None).verdict,
        Verdict::Reachable
    );
}

#[test]
fn batfish_load_balancer() {
    let Some(snap) = load("batfish/test-load-balancer") else {
        return;
    };
    let client = "i-0c8ce8bbdd98cc4e8";
    // Fact 3: the client reaches both servers (their group allows TCP 22 from anywhere).
    for server in ["i-055b0db7be365202c", "i-0f4af951d61a19245"] {
        assert_eq!(
            q(&snap, client, server, "tcp", Some(22)).verdict,
            Verdict::Reachable
        );
        // Fact 4's port 81 is dropped (here at the server's group; Batfish drops it at
        // the LB node, which does not listen on 81).
        assert_eq!(
            q(&snap, client, server, "tcp", Some(81)).verdict,
            Verdict::Blocked
        );
    }
    // Facts 1-2 go through an *internal* NLB; kensa models internet-facing load balancers
    // only, so the LB is not reported as exposed. Which server Batfish picks is its
    // artifact (either may serve the flow).
    let fs = findings(&kensa_net::analyze(&snap));
    assert!(fs.iter().all(|f| !f.resource.id.contains("loadbalancer")));
}

#[test]
fn cloudmapper_demo() {
    let Some(snap) = load("cloudmapper-demo") else {
        return;
    };
    let a = kensa_net::analyze(&snap);
    let fs = findings(&a);
    // CloudMapper finds no EC2 instance open to 0.0.0.0/0: the Bastion (public 1.2.3.4)
    // admits SSH only from the two office CIDRs. kensa reports the Bastion as reachable
    // from exactly those two Internet sources, and nothing from anywhere else.
    let bastion = on(&fs, "i-00000000000000000", "Internet");
    assert!(!bastion.is_empty());
    for f in &bastion {
        let kensa_model::Evidence::NetworkPath(ev) = f.evidence.as_ref().unwrap() else {
            panic!()
        };
        let ev = serde_json::to_value(ev).unwrap();
        assert_eq!(
            ev["sourceCidrs"],
            serde_json::json!(["1.1.1.1/32", "2.2.2.0/28"]),
            "{}",
            f.title
        );
    }
    for inst in snap
        .instances
        .keys()
        .filter(|i| *i != "i-00000000000000000")
    {
        assert!(
            on(&fs, inst, "Internet").is_empty(),
            "{inst} must not be public"
        );
    }
    // The public ECS task ENI: TCP 443 from everywhere, as CloudMapper says.
    let task: Vec<&Finding> = fs
        .iter()
        .filter(|f| f.attributes.get("ENI").map(String::as_str) == Some("eni-00000001"))
        .collect();
    assert_eq!(ports(&task), ["TCP 443"]);
    // CloudMapper calls the classic ELB public on 443 from its security group alone; it
    // listens on 8000, which that group does not open, so kensa reports no exposure
    // (CloudMapper's artifact). The snapshot lacks route tables: that is a warning.
    assert!(a
        .warnings()
        .iter()
        .any(|w| w.message.contains("no route table")));
}
