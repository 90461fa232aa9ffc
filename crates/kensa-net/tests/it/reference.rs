//! Property test: the set engine against the per-packet reference evaluator on random
//! small networks (random SG, NACL and route rules, IPv4 and IPv6, prefix lists, SG
//! references, peering, VGW routes, blackholes, transit gateways with two route tables,
//! random associations, static routes or propagations, attachments in one or the other
//! Availability Zone), and behind the VPN gateway a random VPN connection (static routes
//! or BGP, available or not) and Direct Connect gateway association (associated or not,
//! its virtual interface up, down or absent). For every sampled packet the class the engine puts it in (or
//! none) must be exactly what the reference decides. The reference decides per packet:
//! the Internet by [`kensa_net::public::is_public`] and the VPC CIDRs, TGWs by looking
//! the packet up in the TGW route tables (there and back), the VPN gateway by whether a
//! connection behind it can carry the reply to the source. Appliances (a Gateway Load
//! Balancer endpoint, a Network Firewall endpoint the snapshot does not describe) make
//! the packet indeterminate, naming the endpoint; a gateway endpoint (S3) carries no
//! inbound packet; the engine's indeterminate exposures must match exactly too.
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
    "vpce-gwlb",
    "vpce-s3",
    "vpce-nfw",
];
/// TGW route destinations: each contains subnet-t (10.0.1.0/24) or is disjoint from it.
const TGW_DESTS: &[&str] = &[
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.0.1.0/24",
    "192.168.0.0/16",
    "1.2.0.0/16",
    "8.8.8.0/24",
];
const TGW_TARGETS: &[&str] = &[
    "tgw-attach-a",
    "tgw-attach-b",
    "tgw-attach-vpn",
    "blackhole",
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

/// One TGW route table: static routes (route search output) and propagations.
type RandomTgwTable = (Vec<(&'static str, &'static str)>, Vec<bool>);

#[derive(Debug, Clone)]
struct Tgw {
    /// Whether the snapshot has the TGW's route tables at all.
    tables_known: bool,
    tables: [RandomTgwTable; 2],
    /// Route table (0, 1 or none) of attachments a, b and vpn.
    assoc: [Option<usize>; 3],
    /// Attachment a's subnet is in subnet-t's zone (else subnet-o's).
    a_in_t_zone: bool,
}

fn tgw() -> impl Strategy<Value = Tgw> {
    let route = (
        prop::sample::select(TGW_DESTS),
        prop::sample::select(TGW_TARGETS),
    );
    let table = (
        prop::collection::vec(route, 0..4),
        prop::collection::vec(any::<bool>(), 3),
    );
    let assoc = prop::option::weighted(0.85, 0..2usize);
    (
        prop::bool::weighted(0.9),
        [table.clone(), table],
        [assoc.clone(), assoc.clone(), assoc],
        prop::bool::weighted(0.8),
    )
        .prop_map(|(tables_known, tables, assoc, a_in_t_zone)| Tgw {
            tables_known,
            tables,
            assoc,
            a_in_t_zone,
        })
}

/// What stands behind vgw-1: a VPN connection (static-only?, state, static routes) and
/// a Direct Connect gateway association (state, its virtual interface's state).
#[derive(Debug, Clone)]
struct Onprem {
    vpn: Option<(bool, &'static str, Vec<String>)>,
    dx: Option<(&'static str, Option<&'static str>)>,
}

fn onprem() -> impl Strategy<Value = Onprem> {
    let vpn = (
        any::<bool>(),
        prop::sample::select(&["available", "pending", "deleted"][..]),
        prop::collection::vec(cidr(), 0..3),
    );
    let dx = (
        prop::sample::select(&["associated", "disassociated"][..]),
        prop::option::of(prop::sample::select(&["available", "down"][..])),
    );
    (
        prop::option::weighted(0.8, vpn),
        prop::option::weighted(0.4, dx),
    )
        .prop_map(|(vpn, dx)| Onprem { vpn, dx })
}

#[derive(Debug, Clone)]
struct Net {
    onprem: Onprem,
    tgw: Tgw,
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
        tgw(),
        onprem(),
    )
        .prop_map(|(routes, nacl, perms, public, ipv6, pl, tgw, onprem)| Net {
            onprem,
            tgw,
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
    b.az("subnet-t", "az-1")
        .az("subnet-o", "az-2")
        .az("subnet-b", "az-1");
    add_tgw(&mut b, &n.tgw);
    add_onprem(&mut b.s, &n.onprem);
    for (id, kind) in [("vpce-gwlb", "GatewayLoadBalancer"), ("vpce-s3", "Gateway")] {
        b.s.vpc_endpoints.insert(
            id.into(),
            kensa_model::transit::VpcEndpoint {
                vpc_endpoint_id: id.into(),
                vpc_endpoint_type: Some(kind.into()),
                ..Default::default()
            },
        );
    }
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

fn add_onprem(s: &mut Snapshot, o: &Onprem) {
    use kensa_model::direct_connect::{DirectConnectGatewayAssociation, VirtualInterface};
    use kensa_model::transit::{VpnConnection, VpnStaticRoute};
    if let Some((static_only, state, routes)) = &o.vpn {
        let routes = routes.iter().map(|c| VpnStaticRoute {
            destination_cidr_block: Some(c.clone()),
            source: Some("Static".into()),
            state: Some("available".into()),
        });
        s.vpn_connections.insert(
            "vpn-1".into(),
            VpnConnection {
                vpn_connection_id: "vpn-1".into(),
                customer_gateway_id: Some("cgw-1".into()),
                vpn_gateway_id: Some("vgw-1".into()),
                state: Some(state.to_string()),
                options: Some(serde_json::json!({ "StaticRoutesOnly": static_only })),
                routes: routes.collect(),
                ..Default::default()
            },
        );
    }
    if let Some((state, vif)) = o.dx {
        s.direct_connect_gateway_associations.insert(
            "assoc-1".into(),
            DirectConnectGatewayAssociation {
                association_id: "assoc-1".into(),
                direct_connect_gateway_id: Some("dxgw-1".into()),
                association_state: Some(state.into()),
                virtual_gateway_id: Some("vgw-1".into()),
                ..Default::default()
            },
        );
        if let Some(vif) = vif {
            s.virtual_interfaces.insert(
                "dxvif-1".into(),
                VirtualInterface {
                    virtual_interface_id: "dxvif-1".into(),
                    virtual_interface_state: Some(vif.into()),
                    direct_connect_gateway_id: Some("dxgw-1".into()),
                    ..Default::default()
                },
            );
        }
    }
}

/// Per packet: can a connection behind vgw-1 carry the reply to `src`? An available
/// static-only VPN connection if a static route covers `src`; an available BGP one
/// always (what the customer announces is unknown, so kensa over-reports); an
/// associated Direct Connect gateway whose virtual interface is available likewise, and
/// a gateway with no connection at all.
fn vgw_carries(snap: &Snapshot, src: IpAddr) -> bool {
    let vpn = snap.vpn_connections.values().any(|v| {
        let static_only = v
            .options
            .as_ref()
            .and_then(|o| o["StaticRoutesOnly"].as_bool());
        let covered = v.routes.iter().any(|r| {
            r.destination_cidr_block
                .as_deref()
                .is_some_and(|c| in_net(c, src))
        });
        v.state.as_deref() == Some("available") && (static_only != Some(true) || covered)
    });
    let dx = snap.direct_connect_gateway_associations.values().any(|a| {
        a.association_state.as_deref() == Some("associated")
            && (snap.virtual_interfaces.values())
                .any(|v| v.virtual_interface_state.as_deref() == Some("available"))
    });
    // Nothing behind the gateway in the snapshot: kensa over-reports.
    let usable = (snap.vpn_connections.values())
        .any(|v| !matches!(v.state.as_deref(), Some("deleting" | "deleted")));
    let nothing = !usable && snap.direct_connect_gateway_associations.is_empty();
    vpn || dx || nothing
}

const ATTACHMENTS: [&str; 3] = ["tgw-attach-a", "tgw-attach-b", "tgw-attach-vpn"];

fn add_tgw(b: &mut B, t: &Tgw) {
    let table_id = |i: Option<usize>| i.map(|i| ["tgw-rtb-0", "tgw-rtb-1"][i]);
    let a_subnet = if t.a_in_t_zone {
        "subnet-t"
    } else {
        "subnet-o"
    };
    b.tgw("tgw-1")
        .tgw_attach(
            "tgw-attach-a",
            "tgw-1",
            "vpc",
            "vpc-a",
            &[a_subnet],
            table_id(t.assoc[0]),
        )
        .tgw_attach(
            "tgw-attach-b",
            "tgw-1",
            "vpc",
            "vpc-b",
            &["subnet-b"],
            table_id(t.assoc[1]),
        )
        .tgw_attach(
            "tgw-attach-vpn",
            "tgw-1",
            "vpn",
            "vpn-1",
            &[],
            table_id(t.assoc[2]),
        );
    if !t.tables_known {
        return;
    }
    for (i, (routes, props)) in t.tables.iter().enumerate() {
        let routes = routes.iter().map(|(d, x)| tgw_route(d, x)).collect();
        let props: Vec<&str> = (0..3)
            .filter(|k| props[*k])
            .map(|k| ATTACHMENTS[k])
            .collect();
        b.tgw_table(["tgw-rtb-0", "tgw-rtb-1"][i], "tgw-1", routes, &props);
    }
}

/// Per packet: does TGW `tgw-1` deliver `src` into the target ENI (10.0.1.10) with the
/// reply able to go back? Some table routes the ENI's address to vpc-a's attachment, an
/// attachment associated with it has `src` behind it, and the attachment's own table
/// routes `src` back to that attachment.
fn tgw_delivers(eng: &Engine, src: IpAddr) -> bool {
    let m = &eng.idx.tgw;
    if !m.has_tables("tgw-1") {
        return true;
    }
    let dst: IpAddr = "10.0.1.10".parse().unwrap();
    let a = &m.attachments["tgw-attach-a"];
    if !kensa_net::tgw::TgwModel::serves_az(a, Some("az-1")) {
        return false;
    }
    let Some(back) = m.table_of("tgw-1", "tgw-attach-a") else {
        return false;
    };
    let next_of = |t: &kensa_net::tgw::TgwTable, ip: IpAddr| t.lookup(ip).map(|r| r.next.clone());
    let to = |x: &str| Some(kensa_net::tgw::TgwNext::Attachment(x.to_string()));
    ATTACHMENTS
        .iter()
        .filter(|b| **b != "tgw-attach-a")
        .any(|b| {
            let Some(t) = m.table_of("tgw-1", b) else {
                return false;
            };
            let forward = t.unknown || next_of(t, dst) == to("tgw-attach-a");
            let behind = *b != "tgw-attach-b" || in_net("192.168.0.0/16", src);
            let reply = back.unknown || next_of(back, src) == to(b);
            forward && behind && reply
        })
}

fn in_net(cidr: &str, ip: IpAddr) -> bool {
    cidr.parse::<ipnet::IpNet>().unwrap().contains(&ip)
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
            let owned = ["10.0.0.0/16", "2600:1f00::/56", "192.168.0.0/16"];
            let internet =
                kensa_net::public::is_public(pkt.src) && !owned.iter().any(|c| in_net(c, pkt.src));
            (ok && internet).then_some(SourceClass::Internet)?
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
        Target::Vgw(_) => vgw_carries(idx.snap, pkt.src).then_some(SourceClass::VGW)?,
        Target::Tgw(_) => tgw_delivers(eng, pkt.src).then_some(SourceClass::TGW)?,
        _ => return None,
    };
    let admitted = nacl_decide(acl, false, pkt.proto, pkt.port, pkt.src).1
        && nacl_reply_ok(acl, pkt.proto, pkt.src)
        && sgs_admit(idx, eni, false, pkt.proto, pkt.port, pkt.src);
    admitted.then_some(class)
}

/// The reference for appliances: the endpoint a packet that the group and ACL admit
/// passes on its way back, when the return route leads to one.
fn reference_unevaluated(eng: &Engine, pkt: Packet) -> Vec<String> {
    let idx = &eng.idx;
    let eni = &idx.enis[idx.eni_by_id["eni-t"]];
    let rt = &idx.snap.route_tables["rtb-t"];
    let acl = &idx.snap.network_acls["acl-t"];
    let Some((_, Target::Other(x))) = route_lookup(idx, rt, pkt.src) else {
        return Vec::new();
    };
    let appliance = x == "vpce-gwlb" || x == "vpce-nfw";
    let admitted = nacl_decide(acl, false, pkt.proto, pkt.port, pkt.src).1
        && nacl_reply_ok(acl, pkt.proto, pkt.src)
        && sgs_admit(idx, eni, false, pkt.proto, pkt.port, pkt.src);
    if appliance && admitted {
        vec![x]
    } else {
        Vec::new()
    }
}

fn engine_unevaluated(eng: &Engine, pkt: Packet) -> Vec<String> {
    let r = eng.analyze_eni(eng.idx.eni_by_id["eni-t"]).unwrap();
    r.indeterminate
        .iter()
        .filter(|x| contains(&x.flows, pkt.proto, pkt.port, pkt.src))
        .map(|x| x.unevaluated.component.clone())
        .collect()
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
            let want = reference_unevaluated(&eng, pkt);
            let got = engine_unevaluated(&eng, pkt);
            prop_assert_eq!(&got, &want, "appliance, packet {:?}", pkt);
        }
    }
}
