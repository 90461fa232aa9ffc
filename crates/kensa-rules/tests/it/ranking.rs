//! Reachability-aware ranking: attached or not, reachable or not, load balancer listeners.
use kensa_model::Severity;
use kensa_rules::run_rule;
use kensa_rules::{find_rule, fixture, Context, PortSet};
use kensa_rules::{GroupReach, Reachability};
use serde_json::json;

use crate::run;

fn group_only(perm: serde_json::Value) -> String {
    json!({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "g", "VpcId": "vpc-1", "IpPermissions": [perm]}]}).to_string()
}

#[test]
fn unattached_group_is_low_and_says_so() {
    let text = group_only(json!({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}));
    let f = &run("EC2.19", &text).findings[0];
    assert_eq!(f.severity, Severity::Low);
    assert_eq!(f.attributes["ATTACHED"], "false");
    assert!(f.description.contains("not attached"), "{}", f.description);
}

#[test]
fn attached_group_keeps_its_severity() {
    let f = &run(
        "EC2.19",
        include_str!("../../fixtures/sg/world-mysql-udp.json"),
    )
    .findings[0];
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(
        (
            f.attributes["ATTACHED"].as_str(),
            f.attributes["REACHABLE"].as_str()
        ),
        ("true", "unknown")
    );
    assert_eq!(f.attributes["ATTACHED_TO"], "i-0web");
}

struct Engine(bool);

impl Reachability for Engine {
    fn internet_exposure(&self, _: &str, tcp: &PortSet, _: &PortSet) -> GroupReach {
        GroupReach {
            reachable: self.0,
            targets: vec!["i-0web".into()],
            path: if self.0 {
                vec![
                    "internet".into(),
                    "igw-1".into(),
                    "eni-0web".into(),
                    "i-0web".into(),
                ]
            } else {
                vec![]
            },
            reason: if self.0 {
                String::new()
            } else {
                format!("no route to an internet gateway for tcp {tcp}")
            },
        }
    }
}

#[test]
fn unreachable_exposure_is_ranked_lower_and_never_critical() {
    let snap = fixture::snapshot("f", include_str!("../../fixtures/sg/world-ssh.json")).unwrap();
    let rule = find_rule("EC2.19").unwrap();
    for (reachable, want) in [(true, Severity::Critical), (false, Severity::Medium)] {
        let engine = Engine(reachable);
        let ctx = Context::new(&snap).with_reachability(&engine);
        let run = run_rule(&ctx, rule, "EC2.19", &rule.defaults);
        let f = &run.findings[0];
        assert_eq!(f.severity, want);
        assert_eq!(f.attributes["REACHABLE"], reachable.to_string());
        assert_eq!(f.attributes.contains_key("REACHABILITY_PATH"), reachable);
    }
}

#[test]
fn internet_facing_load_balancer_listener_ports_are_not_findings() {
    let lb = |port: i32| {
        json!([{
            "SecurityGroups": [{"GroupId": "sg-lb", "GroupName": "lb", "VpcId": "vpc-1", "IpPermissions": [
                {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}],
            "LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1",
                "Scheme": "internet-facing", "Type": "application", "VpcId": "vpc-1", "SecurityGroups": ["sg-lb"]}],
            "Listeners": [{"ListenerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2",
                "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1", "Port": 8443, "Protocol": "HTTPS"}]
        }])
        .to_string()
    };
    // EC2.18 authorizes 80 and 443 only, but 8443 is this load balancer's listener.
    let run8443 = run("EC2.18", &lb(8443));
    assert!(run8443.findings.is_empty(), "{:#?}", run8443.findings);
    let rule = find_rule("EC2.18").unwrap();
    let snap = fixture::snapshot("f", &lb(8443)).unwrap();
    let evaluations = rule.evaluate(&Context::new(&snap), &rule.defaults);
    assert_eq!(
        evaluations[0].attributes["INTENDED_EXPOSURE"],
        "load-balancer-listener"
    );
    // A port that is no listener still fails.
    assert_eq!(run("EC2.18", &lb(9000)).findings.len(), 1);
}

/// The demo account through the real reachability engine: the Linux bastion's SSH is
/// reachable from the Internet; the legacy batch group's all-traffic exposure is not (no
/// public address, only a NAT gateway towards the Internet), so it is ranked lower and is
/// not Critical; the unattached default groups admit only themselves and raise nothing.
#[test]
fn kensa_net_decides_reachability() {
    let snap = kensa_model::demo::snapshot();
    let analysis = kensa_net::analyze(&snap);
    let reach = kensa_rules::NetReachability::new(&analysis);
    let ctx = Context::new(&snap).with_reachability(&reach);
    let rule = find_rule("EC2.19").unwrap();
    let run = run_rule(&ctx, rule, "EC2.19", &rule.defaults);
    let by_group = |id: &str| run.findings.iter().find(|f| f.resource.id == id).unwrap();
    let bastion = by_group("sg-0c3d4e5f6a7b8293a");
    assert_eq!(bastion.attributes["REACHABLE"], "true");
    assert_eq!(bastion.severity, Severity::Critical);
    assert_eq!(
        bastion.attributes["REACHABILITY_PATH"],
        "internet -> igw-0e8f1a2b3c4d5e6f7 -> acl-0a3c5e7f9b1d2f4a6 -> eni-0a1b2c3d4e5f61002 -> i-0a1b2c3d4e5f60002"
    );
    let legacy = by_group("sg-04d5e6f7a8b9c0d1e");
    assert_eq!(
        (legacy.attributes["REACHABLE"].as_str(), legacy.severity),
        ("false", Severity::Medium)
    );
    assert!(
        legacy
            .description
            .contains("Not reachable from the Internet"),
        "{}",
        legacy.description
    );
    assert!(!run.findings.iter().any(
        |f| ["sg-0a1b2c3d4e5f60718", "sg-06f7a8b9c0d1e2f3a"].contains(&f.resource.id.as_str())
    ));
}
