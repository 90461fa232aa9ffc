//! Malformed snapshots never panic; bad items become warnings.
use kensa_net::analyze;
use kensa_net::findings::findings;
use kensa_net::path::{query, Endpoint};

use crate::build::*;

#[test]
fn dangling_references_and_bad_values_warn() {
    let mut snap = crate::facts::account();
    let mut b = B::default();
    b.sg(
        "sg-bad",
        "vpc-a",
        vec![
            perm("tcp", 22, 22, &["sg-nowhere", "pl-nowhere", "not-a-cidr"]),
            perm("tcp", 30, 20, &["0.0.0.0/0"]),
            perm("bogus", 1, 2, &["0.0.0.0/0"]),
        ],
    );
    snap.security_groups.extend(b.s.security_groups);
    let rt = snap.route_tables.get_mut("rtb-pub").unwrap();
    rt.routes.push(route("5.0.0.0/8", "igw-unknown"));
    rt.routes.push(route("6.0.0.0/8", "pcx-unknown"));
    rt.routes.push(route("pl-missing", "igw-a"));
    rt.routes.push(route("garbage", "igw-a"));
    let inst = snap.instances.get_mut("i-ssh").unwrap();
    inst.network_interfaces[0]
        .groups
        .push(kensa_model::instance::GroupIdentifier {
            group_id: "sg-bad".into(),
            group_name: None,
        });
    inst.network_interfaces[0]
        .groups
        .push(kensa_model::instance::GroupIdentifier {
            group_id: "sg-missing".into(),
            group_name: None,
        });
    inst.network_interfaces[0].subnet_id = Some("subnet-pub".into());
    snap.instances.get_mut("i-db").unwrap().network_interfaces[0].subnet_id =
        Some("subnet-gone".into());
    snap.network_acls
        .get_mut("acl-pub")
        .unwrap()
        .entries
        .push(entry(5, "6", false, false, "nonsense", Some((1, 2))));
    snap.network_acls
        .get_mut("acl-pub")
        .unwrap()
        .entries
        .push(entry(6, "tcp?", false, false, "0.0.0.0/0", Some((1, 2))));

    let a = analyze(&snap);
    let fs = findings(&a);
    let w = a.warnings();
    let text = w
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "sg-nowhere",
        "pl-nowhere",
        "not-a-cidr",
        "invalid port range",
        "unknown IP protocol",
        "igw-unknown",
        "pcx-unknown",
        "pl-missing",
        "garbage",
        "sg-missing",
        "subnet-gone",
        "nonsense",
    ] {
        assert!(
            text.contains(needle),
            "no warning about {needle} in:\n{text}"
        );
    }
    // The rest is still analysed, and the unknown IGW is assumed attached.
    assert!(fs
        .iter()
        .any(|f| f.resource.id == "i-ssh"
            && f.attributes.get("PORT").map(String::as_str) == Some("22")));
    let ssh = a.enis.iter().find(|r| r.eni == "eni-ssh").unwrap();
    let net = ssh
        .exposures
        .iter()
        .find(|x| x.class == kensa_net::SourceClass::Internet)
        .unwrap();
    assert!(net.gateways.iter().any(|g| g.0 == "igw-unknown"));

    for (from, to) in [
        ("internet", "i-db"),
        ("i-db", "i-ssh"),
        ("internet", "eni-ssh"),
        ("1.2.3.4", "i-ssh"),
    ] {
        let _ = query(
            &snap,
            &from.parse::<Endpoint>().unwrap(),
            &to.parse::<Endpoint>().unwrap(),
            "tcp",
            Some(22),
        );
    }
    assert!(query(
        &snap,
        &Endpoint::Internet,
        &"i-nope".parse().unwrap(),
        "tcp",
        Some(22)
    )
    .is_err());
    assert!(query(
        &snap,
        &Endpoint::Internet,
        &"i-ssh".parse().unwrap(),
        "tcp",
        None
    )
    .is_err());
    assert!(query(
        &snap,
        &Endpoint::Internet,
        &"i-ssh".parse().unwrap(),
        "sctp?",
        Some(1)
    )
    .is_err());
}

#[test]
fn empty_snapshot_is_fine() {
    let snap = kensa_model::Snapshot::default();
    let a = analyze(&snap);
    assert!(findings(&a).is_empty());
    assert!(a.warnings().is_empty());
}
