//! Property test: the set engine against the per-packet reference evaluator on random
//! small networks (random SG, NACL and route rules, IPv4 and IPv6, prefix lists, SG
//! references, peering, VGW/TGW routes, blackholes). For every sampled packet the class
//! the engine puts it in (or none) must be exactly what the reference decides.
use std::net::IpAddr;

use kensa_model::Snapshot;
use kensa_net::engine::Engine;
use kensa_net::flow::contains;
use kensa_net::packet::{nacl_decide, nacl_reply_ok, route_lookup, sgs_admit, Packet};
use kensa_net::rules::Target;
use kensa_net::SourceClass;
use proptest::prelude::*;

use crate::build::*;

const V4: &[&str] = &[
    "0.0.0.0/0",
    "1.0.0.0/8",
    "1.2.0.0/16",
    "1.2.3.0/24",
    "1.2.3.4/32",
    "8.8.8.0/24",
    "192.168.0.0/16",
    "192.168.1.0/24",
    "172.16.0.0/12",
    "10.0.0.0/8",
];
const V6: &[&str] = &["::/0", "2001:db8::/32", "2001:db8:1::/48", "2600:1f00::/56"];
const TARGETS: &[&str] = &[
    "igw-1",
    "pcx-1",
    "pcx-2",
    "vgw-1",
    "tgw-1",
    "nat-1",
    "blackhole:igw-1",
    "eigw-1",
];
const PROTOS: &[&str] = &["-1", "6", "17", "1", "47", "tcp", "udp", "icmp"];
const PORTS: &[i32] = &[
    -1, 0, 21, 22, 23, 80, 443, 1000, 1023, 1024, 1025, 3389, 5000, 65535,
];
const SRCS: &[&str] = &[
    "1.2.3.4",
    "1.2.3.5",
    "1.2.3.0",
    "1.2.255.255",
    "1.3.0.0",
    "8.8.8.8",
    "8.8.9.1",
    "192.168.1.10",
    "192.168.2.1",
    "172.16.5.5",
    "10.0.2.5",
    "9.9.9.9",
    "2001:db8::1",
    "2001:db8:1::5",
    "2001:db9::1",
    "2600:1f00::99",
];

fn cidr() -> impl Strategy<Value = String> {
    prop_oneof![4 => prop::sample::select(V4), 1 => prop::sample::select(V6)]
        .prop_map(str::to_string)
}

fn ports() -> impl Strategy<Value = (i32, i32)> {
    (prop::sample::select(PORTS), prop::sample::select(PORTS)).prop_map(|(a, b)| {
        if a == -1 || b == -1 {
            (-1, -1)
        } else {
            (a.min(b), a.max(b))
        }
    })
}

/// A random NACL entry: number, protocol, allow, egress, CIDR, ports, ICMP type/code.
type RandomEntry = (
    i32,
    &'static str,
    bool,
    bool,
    String,
    (i32, i32),
    (i32, i32),
);

#[derive(Debug, Clone)]
struct Net {
    routes: Vec<(String, &'static str)>,
    nacl: Vec<RandomEntry>,
    perms: Vec<(usize, &'static str, (i32, i32), String)>,
    public: bool,
    ipv6: bool,
    pl: Vec<String>,
}

fn net() -> impl Strategy<Value = Net> {
    let route = (
        prop_oneof![4 => cidr(), 1 => Just("pl-1".to_string())],
        prop::sample::select(TARGETS),
    );
    let entry = (
        1..20i32,
        prop::sample::select(PROTOS),
        any::<bool>(),
        any::<bool>(),
        cidr(),
        ports(),
        (-1..12i32, -1..4i32),
    );
    let src = prop_oneof![6 => cidr(), 1 => Just("pl-1".to_string()), 1 => Just("sg-peer".to_string()), 1 => Just("sg-local".to_string()), 1 => Just("sg-ghost".to_string())];
    let perm = (0..2usize, prop::sample::select(PROTOS), ports(), src);
    (
        prop::collection::vec(route, 0..6),
        prop::collection::vec(entry, 0..8),
        prop::collection::vec(perm, 0..6),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(cidr(), 0..3),
    )
        .prop_map(|(routes, nacl, perms, public, ipv6, pl)| Net {
            routes,
            nacl,
            perms,
            public,
            ipv6,
            pl,
        })
}

fn snapshot(n: &Net) -> Snapshot {
    let mut b = B::default();
    b.vpc("vpc-a", &["10.0.0.0/16", "2600:1f00::/56"])
        .vpc("vpc-b", &["192.168.0.0/16"])
        .igw("igw-1", "vpc-a")
        .vgw("vgw-1", "vpc-a")
        .pcx(
            "pcx-1",
            ("vpc-a", "10.0.0.0/16"),
            ("vpc-b", "192.168.0.0/16"),
            true,
        )
        .pcx(
            "pcx-2",
            ("vpc-a", "10.0.0.0/16"),
            ("vpc-b", "192.168.0.0/16"),
            false,
        )
        .subnet("subnet-t", "vpc-a", "10.0.1.0/24")
        .subnet("subnet-o", "vpc-a", "10.0.2.0/24")
        .subnet("subnet-b", "vpc-b", "192.168.1.0/24");
    let pl: Vec<&str> = n.pl.iter().map(String::as_str).collect();
    b.prefix_list("pl-1", &pl);
    let mut routes = vec![
        route("10.0.0.0/16", "local"),
        route("2600:1f00::/56", "local"),
    ];
    routes.extend(n.routes.iter().map(|(d, t)| route(d, t)));
    b.route_table("rtb-t", "vpc-a", false, &["subnet-t"], routes);
    b.nacl(
        "acl-t",
        "vpc-a",
        &["subnet-t"],
        n.nacl
            .iter()
            .map(|(num, proto, allow, egress, c, (f, t), (ty, code))| {
                let mut e = entry(*num * 10, proto, *allow, *egress, c, Some((*f, *t)));
                if matches!(*proto, "1" | "icmp") {
                    e.port_range = None;
                    e.icmp_type_code = Some(kensa_model::ec2::IcmpTypeCode {
                        icmp_type: Some(if *ty > 9 { 8 } else { *ty }),
                        code: Some(*code),
                    });
                }
                e
            })
            .collect(),
    );
    let mut g0 = Vec::new();
    let mut g1 = Vec::new();
    for (g, proto, (f, t), src) in &n.perms {
        let (f, t) = if matches!(*proto, "1" | "icmp") {
            (
                if *f > 255 { 8 } else { *f },
                if *t > 255 { -1 } else { *t },
            )
        } else {
            (*f, *t)
        };
        let p = perm(proto, f, t, &[src]);
        if *g == 0 {
            g0.push(p)
        } else {
            g1.push(p)
        }
    }
    b.sg("sg-t0", "vpc-a", g0)
        .sg("sg-t1", "vpc-a", g1)
        .sg("sg-peer", "vpc-b", vec![])
        .sg("sg-local", "vpc-a", vec![]);
    b.instance(
        "t",
        "subnet-t",
        "vpc-a",
        "10.0.1.10",
        n.public.then_some("3.3.3.3"),
        n.ipv6.then_some("2600:1f00::10"),
        &["sg-t0", "sg-t1"],
    )
    .instance(
        "o",
        "subnet-o",
        "vpc-a",
        "10.0.2.5",
        None,
        None,
        &["sg-local"],
    )
    .instance(
        "p",
        "subnet-b",
        "vpc-b",
        "192.168.1.10",
        None,
        None,
        &["sg-peer"],
    );
    b.s
}

/// The reference: which class (if any) a packet into the target ENI arrives as.
fn reference(eng: &Engine, pkt: Packet) -> Option<SourceClass> {
    let idx = &eng.idx;
    let eni = &idx.enis[idx.eni_by_id["eni-t"]];
    let rt = &idx.snap.route_tables["rtb-t"];
    let acl = &idx.snap.network_acls["acl-t"];
    let class = match route_lookup(idx, rt, pkt.src)?.1 {
        Target::Igw(_) => {
            let ok = if pkt.src.is_ipv4() {
                !eni.public_ips.is_empty()
            } else {
                eni.global_ipv6()
            };
            ok.then_some(SourceClass::Internet)?
        }
        Target::Pcx(g) => {
            let p = &idx.peerings[&g];
            (p.active
                && "192.168.0.0/16"
                    .parse::<ipnet::IpNet>()
                    .unwrap()
                    .contains(&pkt.src))
            .then_some(SourceClass::PeeredVPC)?
        }
        Target::Vgw(_) => SourceClass::VGW,
        Target::Tgw(_) => SourceClass::TGW,
        _ => return None,
    };
    let admitted = nacl_decide(acl, false, pkt.proto, pkt.port, pkt.src).1
        && nacl_reply_ok(acl, pkt.proto, pkt.src)
        && sgs_admit(idx, eni, false, pkt.proto, pkt.port, pkt.src);
    admitted.then_some(class)
}

fn engine_class(eng: &Engine, pkt: Packet) -> Vec<SourceClass> {
    let i = eng.idx.eni_by_id["eni-t"];
    let r = eng.analyze_eni(i).unwrap();
    r.exposures
        .iter()
        .filter(|x| contains(&x.flows, pkt.proto, pkt.port, pkt.src))
        .map(|x| x.class)
        .collect()
}

fn packets() -> Vec<Packet> {
    let mut out = Vec::new();
    for s in SRCS {
        let src: IpAddr = s.parse().unwrap();
        for (proto, ports) in [
            (
                6u8,
                &[
                    0u16, 21, 22, 23, 79, 80, 443, 1023, 1024, 3389, 5000, 5001, 65535,
                ][..],
            ),
            (17, &[22, 53, 1024, 65535][..]),
            (1, &[0x0000, 0x0800, 0x0803, 0x0300, 0x0bff][..]),
            (47, &[0][..]),
            (0, &[0][..]),
        ] {
            for &port in ports {
                out.push(Packet { src, proto, port });
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, .. ProptestConfig::default() })]
    #[test]
    fn engine_agrees_with_per_packet_reference(n in net()) {
        let snap = snapshot(&n);
        let eng = Engine::new(&snap);
        for pkt in packets() {
            let want: Vec<SourceClass> = reference(&eng, pkt).into_iter().collect();
            let got = engine_class(&eng, pkt);
            prop_assert_eq!(&got, &want, "packet {:?}", pkt);
        }
    }
}
