//! The picture of a reachability finding's network path: source, gateway, load balancer
//! hops, route table, network ACL, security groups, ENI, instance: boxes joined by
//! arrows, wrapped onto further rows when the page is narrow.
use kensa_model::finding::{NetworkPathEvidence, PathStep};
use kensa_model::{Finding, IdKind, ResourceType};

use super::font::{fit, Face};
use super::scene::{Anchor, Rgb, Scene};

const NODE_W: f32 = 104.0;
const GAP: f32 = 22.0;
const ROW_GAP: f32 = 22.0;
const PAD: f32 = 5.0;
const KIND_SIZE: f32 = 7.5;
const ID_SIZE: f32 = 7.0;
const LINE: f32 = 9.0;
const CAPTION: f32 = 14.0;
const INK: Rgb = Rgb(0x1f, 0x23, 0x28);

/// What a box stands for; decides its colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Source,
    Gateway,
    LoadBalancer,
    Routing,
    Firewall,
    Interface,
    Target,
}

impl Kind {
    fn colors(self) -> (Rgb, Rgb) {
        match self {
            Kind::Source => (Rgb(0x57, 0x60, 0x6a), Rgb(0xf6, 0xf8, 0xfa)),
            Kind::Gateway => (Rgb(0x82, 0x50, 0xdf), Rgb(0xfb, 0xef, 0xff)),
            Kind::LoadBalancer => (Rgb(0x09, 0x69, 0xda), Rgb(0xdd, 0xf4, 0xff)),
            Kind::Routing => (Rgb(0x1a, 0x7f, 0x37), Rgb(0xda, 0xfb, 0xe1)),
            Kind::Firewall => (Rgb(0xbc, 0x4c, 0x00), Rgb(0xff, 0xf1, 0xe5)),
            Kind::Interface => (Rgb(0x57, 0x60, 0x6a), Rgb(0xff, 0xff, 0xff)),
            Kind::Target => (Rgb(0xcf, 0x22, 0x2e), Rgb(0xff, 0xeb, 0xe9)),
        }
    }
}

struct Node {
    kind: Kind,
    label: String,
    lines: Vec<String>,
}

/// The path picture of `finding`, or `None` when it names no network path: from its
/// network path evidence, or from the `REACHABILITY_PATH` a configuration finding about
/// a reachable security group carries.
pub(crate) fn diagram(finding: &Finding, max_width: f32) -> Option<Scene> {
    let (steps, caption) = path_of(finding)?;
    Some(layout(&nodes(finding, &steps), &caption, max_width))
}

/// The ids of the components a drawing of `finding` shows.
pub(crate) fn component_ids(finding: &Finding) -> Vec<String> {
    path_of(finding)
        .map(|(steps, _)| steps.into_iter().map(|s| s.component_id).collect())
        .unwrap_or_default()
}

fn path_of(finding: &Finding) -> Option<(Vec<PathStep>, String)> {
    if let Some(kensa_model::Evidence::NetworkPath(ev)) = &finding.evidence {
        let mut text = caption(ev);
        // A load balancer's finding lists every listener's protocol and port here.
        if let Some(ranges) = finding.attributes.get("OPEN_PORT_RANGES") {
            let from = text.split_once(" from ").map_or("", |(_, f)| f);
            text = format!("{ranges} from {from}");
        }
        return Some((ev.network_path.steps.clone(), text));
    }
    let text = finding.attributes.get("REACHABILITY_PATH")?;
    if finding.attributes.get("REACHABLE").map(String::as_str) != Some("true") {
        return None;
    }
    let mut steps: Vec<PathStep> = text
        .split("->")
        .map(str::trim)
        .filter(|id| !id.is_empty() && *id != "internet")
        .map(|id| PathStep::new(id, component_type(id)))
        .collect();
    // The finding is about a security group, which the path leaves out: it guards the
    // interface (or load balancer) the packet reaches.
    if IdKind::SecurityGroup.matches(&finding.resource.id) {
        let at = steps
            .iter()
            .position(|s| {
                s.component_type.ends_with("NetworkInterface")
                    || s.component_type.ends_with("LoadBalancer")
            })
            .unwrap_or(steps.len());
        steps.insert(
            at,
            PathStep::new(finding.resource.id.clone(), "AWS::EC2::SecurityGroup"),
        );
    }
    let ports = finding
        .attributes
        .get("OPEN_PORTS")
        .map_or("open ports", String::as_str);
    Some((steps, format!("{ports} from the Internet")))
}

/// The CloudFormation type of a component, from the kind its id names; the kinds a path
/// drawing tells apart (a transit gateway's attachments and route tables are drawn as
/// the gateway), any other component is drawn plain.
fn component_type(id: &str) -> &'static str {
    use IdKind as K;
    const PLAIN: &str = "AWS::EC2::Component";
    if id.starts_with("arn:") && id.contains(":loadbalancer/") {
        return "AWS::ElasticLoadBalancingV2::LoadBalancer";
    }
    let resource = match IdKind::detect(id) {
        Some(K::InternetGateway) => ResourceType::InternetGateway,
        Some(K::NetworkAcl) => ResourceType::NetworkAcl,
        Some(K::SecurityGroup) => ResourceType::SecurityGroup,
        Some(K::NetworkInterface) => ResourceType::NetworkInterface,
        Some(K::Instance) => ResourceType::Instance,
        Some(K::RouteTable) => ResourceType::RouteTable,
        Some(K::VpcPeeringConnection) => ResourceType::VpcPeeringConnection,
        Some(K::VpnGateway) => ResourceType::VpnGateway,
        Some(K::TransitGateway | K::TransitGatewayAttachment | K::TransitGatewayRouteTable) => {
            ResourceType::TransitGateway
        }
        _ => return PLAIN,
    };
    resource.cloudformation_name().unwrap_or(PLAIN)
}

fn caption(ev: &NetworkPathEvidence) -> String {
    let ports = match &ev.open_ranges {
        Some(ranges) if !ranges.is_empty() => ranges
            .iter()
            .map(|r| format!("{} {}", r.protocol, r.ports))
            .collect::<Vec<_>>()
            .join(", "),
        _ if ev.open_port_range.from == ev.open_port_range.to => {
            format!("{} {}", ev.protocol, ev.open_port_range.from)
        }
        _ => format!(
            "{} {}-{}",
            ev.protocol, ev.open_port_range.from, ev.open_port_range.to
        ),
    };
    let mut text = format!("{ports} from {}", list(&ev.source_cidrs, 3));
    if !ev.except_cidrs.is_empty() {
        text.push_str(&format!(" except {}", list(&ev.except_cidrs, 2)));
    }
    text
}

fn list(items: &[String], shown: usize) -> String {
    let mut s = items
        .iter()
        .take(shown)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > shown {
        s.push_str(&format!(" and {} more", items.len() - shown));
    }
    if s.is_empty() {
        s.push_str("(no address)");
    }
    s
}

fn nodes(finding: &Finding, steps: &[PathStep]) -> Vec<Node> {
    let named = finding
        .resource
        .tags
        .get("Name")
        .map(|name| (finding.resource.id.as_str(), name.as_str()));
    let mut out = vec![source_node(finding, steps)];
    out.extend(hop_nodes(steps, named));
    out
}

/// The picture of a traced path that is not a finding's (a reachability question): a
/// source box labelled `source` showing `source_id`, then the hops.
pub(crate) fn trace_diagram(
    source: &str,
    source_id: &str,
    steps: &[PathStep],
    caption: &str,
    max_width: f32,
) -> Scene {
    let mut out = vec![Node {
        kind: Kind::Source,
        label: source.to_string(),
        lines: vec![source_id.to_string()],
    }];
    out.extend(hop_nodes(steps, None));
    layout(&out, caption, max_width)
}

/// A box per hop; `named` is the (instance id, Name tag) to show on that instance.
fn hop_nodes(steps: &[PathStep], named: Option<(&str, &str)>) -> Vec<Node> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let step = &steps[i];
        let kind_of = |s: &PathStep| {
            s.component_type
                .rsplit("::")
                .next()
                .unwrap_or("")
                .to_string()
        };
        let t = kind_of(step);
        // Consecutive security groups are one firewall: a packet needs only one to allow it.
        if t == "SecurityGroup" {
            let mut ids = Vec::new();
            while i < steps.len() && kind_of(&steps[i]) == "SecurityGroup" {
                ids.push(steps[i].component_id.clone());
                i += 1;
            }
            let label = if ids.len() > 1 {
                "Security groups"
            } else {
                "Security group"
            };
            out.push(Node {
                kind: Kind::Firewall,
                label: label.into(),
                lines: ids,
            });
            continue;
        }
        out.push(step_node(named, &t, &step.component_id));
        i += 1;
    }
    out
}

fn source_node(finding: &Finding, steps: &[PathStep]) -> Node {
    let first = steps
        .first()
        .map(|s| s.component_type.as_ref())
        .unwrap_or("");
    let class = finding
        .attributes
        .get("REACHABILITY_TYPE")
        .map(String::as_str);
    let label = match (class, first) {
        (Some("PeeredVPC"), _) | (_, "AWS::EC2::VPCPeeringConnection") => "Peered VPC",
        (Some("VGW"), _) | (_, "AWS::EC2::VPNGateway") => "On-premises (VPN)",
        (Some("TGW"), _) | (_, "AWS::EC2::TransitGateway") => "Transit network",
        _ => "Internet",
    };
    Node {
        kind: Kind::Source,
        label: label.into(),
        lines: Vec::new(),
    }
}

fn step_node(named: Option<(&str, &str)>, component: &str, id: &str) -> Node {
    let (kind, label) = match component {
        "InternetGateway" => (Kind::Gateway, "Internet gateway"),
        "VPCPeeringConnection" => (Kind::Gateway, "Peering connection"),
        "VPNGateway" => (Kind::Gateway, "VPN gateway"),
        "TransitGateway" => (Kind::Gateway, "Transit gateway"),
        "LoadBalancer" => (Kind::LoadBalancer, "Load balancer"),
        "Listener" => (Kind::LoadBalancer, "Listener"),
        "RouteTable" => (Kind::Routing, "Route table"),
        "NetworkAcl" => (Kind::Routing, "Network ACL"),
        "Subnet" => (Kind::Routing, "Subnet"),
        "NetworkInterface" => (Kind::Interface, "Network interface"),
        "Instance" => (Kind::Target, "EC2 instance"),
        _ => (Kind::Interface, component),
    };
    let mut lines = short_id(id);
    if kind == Kind::Target {
        if let Some((_, name)) = named.filter(|(named_id, _)| *named_id == id) {
            lines.insert(0, name.to_string());
        }
    }
    Node {
        kind,
        label: label.to_string(),
        lines,
    }
}

/// A load balancer or listener ARN is long; its name and id tail say which it is.
fn short_id(id: &str) -> Vec<String> {
    if !id.starts_with("arn:") {
        return vec![id.to_string()];
    }
    let resource = id.rsplit(':').next().unwrap_or(id);
    let parts: Vec<&str> = resource.split('/').collect();
    match parts.as_slice() {
        ["loadbalancer", _, name, ..] => vec![(*name).to_string()],
        ["listener", _, name, .., last] => vec![(*name).to_string(), (*last).to_string()],
        _ => vec![resource.to_string()],
    }
}

fn node_height(n: &Node) -> f32 {
    PAD * 2.0 + LINE * (1 + n.lines.len()) as f32
}

fn layout(nodes: &[Node], caption: &str, max_width: f32) -> Scene {
    let per_row = (((max_width + GAP) / (NODE_W + GAP)).floor() as usize).max(1);
    let rows: Vec<&[Node]> = nodes.chunks(per_row).collect();
    let row_heights: Vec<f32> = rows
        .iter()
        .map(|r| r.iter().map(node_height).fold(0.0, f32::max))
        .collect();
    let used = nodes.len().min(per_row) as f32;
    let caption_width = super::font::width(Face::Bold, 8.0, caption) + 2.0;
    let mut scene = Scene {
        width: (used * NODE_W + (used - 1.0) * GAP + 2.0).max(caption_width.min(max_width)),
        height: CAPTION + row_heights.iter().sum::<f32>() + ROW_GAP * (rows.len() - 1) as f32 + 2.0,
        shapes: Vec::new(),
        title: format!(
            "Network path: {}",
            nodes
                .iter()
                .map(|n| n.label.as_str())
                .collect::<Vec<_>>()
                .join(" to ")
        ),
    };
    scene.text(
        1.0,
        9.0,
        &fit(Face::Bold, 8.0, caption, scene.width),
        8.0,
        Face::Bold,
        INK,
        Anchor::Start,
    );
    let mut y = CAPTION;
    let mut previous: Option<(f32, f32, f32)> = None; // (x, y, h) of the last box drawn
    for (row, height) in rows.iter().zip(&row_heights) {
        for (col, node) in row.iter().enumerate() {
            let x = 1.0 + col as f32 * (NODE_W + GAP);
            let h = node_height(node);
            let top = y + (height - h) / 2.0;
            if let Some((px, py, ph)) = previous {
                connect(&mut scene, (px, py, ph), (x, top, h), col == 0);
            }
            draw_node(&mut scene, node, x, top);
            previous = Some((x, top, h));
        }
        y += height + ROW_GAP;
    }
    scene
}

fn connect(scene: &mut Scene, from: (f32, f32, f32), to: (f32, f32, f32), new_row: bool) {
    let color = Rgb(0x57, 0x60, 0x6a);
    let points = if new_row {
        let (fx, fy, fh) = from;
        let mid = fy + fh + ROW_GAP / 2.0 + (to.1 - (fy + fh) - ROW_GAP).max(0.0) / 2.0;
        vec![
            (fx + NODE_W / 2.0, fy + fh),
            (fx + NODE_W / 2.0, mid),
            (to.0 + NODE_W / 2.0, mid),
            (to.0 + NODE_W / 2.0, to.1),
        ]
    } else {
        let y = to.1 + to.2 / 2.0;
        vec![(from.0 + NODE_W, y), (to.0, y)]
    };
    scene.line(points, color, 1.2, true);
}

fn draw_node(scene: &mut Scene, node: &Node, x: f32, y: f32) {
    let (stroke, fill) = node.kind.colors();
    scene.rect(x, y, NODE_W, node_height(node), Some(fill), Some(stroke));
    let cx = x + NODE_W / 2.0;
    let inner = NODE_W - 2.0 * PAD;
    let mut baseline = y + PAD + LINE - 2.0;
    scene.text(
        cx,
        baseline,
        &fit(Face::Bold, KIND_SIZE, &node.label, inner),
        KIND_SIZE,
        Face::Bold,
        stroke,
        Anchor::Middle,
    );
    for line in &node.lines {
        baseline += LINE;
        scene.text(
            cx,
            baseline,
            &fit(Face::Mono, ID_SIZE, line, inner),
            ID_SIZE,
            Face::Mono,
            INK,
            Anchor::Middle,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_are_shortened_to_their_names() {
        let lb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web-alb/50dc6c495c0c9188";
        assert_eq!(short_id(lb), ["web-alb"]);
        let l = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web-alb/50dc6c495c0c9188/f1a2";
        assert_eq!(short_id(l), ["web-alb", "f1a2"]);
        assert_eq!(short_id("sg-1"), ["sg-1"]);
    }
}
