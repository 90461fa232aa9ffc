//! Each event kind applied to the fixture: the exposure it opens, and the one that closes
//! it again.
use kensa_report::stream::Record;
use kensa_watch::{WatchRecord, Watcher};

use crate::events::*;
use crate::{closed, internet, notices, opened, watcher};

#[test]
fn baseline_exposes_only_the_public_instance() {
    let w = watcher();
    let public: Vec<&str> = (w.exposures().values())
        .filter(|e| {
            e.classes
                .contains_key(&kensa_net::engine::SourceClass::Internet)
        })
        .map(|e| e.resource())
        .collect();
    assert_eq!(public, ["i-pub"]);
}

#[test]
fn ssh_opened_on_a_public_instance_alerts_with_actor_time_and_path() {
    let mut w = watcher();
    let r = w.process(&authorize("sg-web", "sgr-ssh", "tcp", 22, "0.0.0.0/0"));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/22"])]);
    let WatchRecord::Exposure(a) = &r[0] else {
        panic!("expected an exposure alert: {r:?}");
    };
    assert_eq!(a.severity, kensa_model::Severity::High);
    assert_eq!(
        a.path,
        "igw-1 -> rtb-pub -> acl-open -> subnet-pub -> sg-web -> eni-pub"
    );
    assert_eq!(
        r[0].text_line(),
        format!(
            "High `AuthorizeSecurityGroupIngress` by {ACTOR} at 10:42:07 opened i-pub tcp/22 \
             to the Internet (path igw-1 -> rtb-pub -> acl-open -> subnet-pub -> sg-web -> eni-pub)"
        )
    );
    let r = w.process(&revoke("sg-web", "tcp", 22, "0.0.0.0/0"));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/22"])]);
}

#[test]
fn the_same_call_on_an_unattached_group_alerts_nothing() {
    let mut w = watcher();
    let r = w.process(&authorize_plain("sg-unused", "tcp", 22, "0.0.0.0/0"));
    assert!(r.is_empty(), "{r:?}");
    assert_eq!(w.stats().applied, 1);
    let rules = &w.snapshot().security_groups["sg-unused"].ip_permissions;
    assert_eq!(rules.len(), 1, "the rule is in the model");
}

#[test]
fn rule_ids_from_the_response_then_revoked_by_id() {
    let mut w = watcher();
    let r = w.process(&authorize("sg-web", "sgr-new22", "tcp", 22, "0.0.0.0/0"));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/22"])]);
    assert!(w.snapshot().security_group_rules.contains_key("sgr-new22"));
    let r = w.process(&revoke_ids("sg-web", &["sgr-new22"]));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/22"])]);
    assert!(!w.snapshot().security_group_rules.contains_key("sgr-new22"));
}

#[test]
fn a_group_listed_with_rule_ids_needs_them_in_the_response() {
    let mut w = watcher();
    // sg-web's rules carry ids: a change without them cannot be applied exactly.
    let r = w.process(&authorize_plain("sg-web", "tcp", 22, "0.0.0.0/0"));
    assert!(internet(&r).is_empty(), "{r:?}");
    assert_eq!(notices(&r)[0].0, "sg-web");
    assert_eq!(
        w.snapshot().security_groups["sg-web"].ip_permissions.len(),
        1
    );
}

#[test]
fn modify_security_group_rules_moves_the_exposure() {
    let mut w = watcher();
    let r = w.process(&modify_rule(
        "sg-web",
        "sgr-web443",
        "tcp",
        3389,
        "0.0.0.0/0",
    ));
    assert_eq!(
        internet(&r),
        [
            closed("i-pub", &["tcp/443"]),
            opened("i-pub", &["tcp/3389"])
        ]
    );
    let sg = &w.snapshot().security_groups["sg-web"];
    assert_eq!(sg.ip_permissions.len(), 1);
    assert_eq!(sg.ip_permissions[0].from_port, Some(3389));
}

#[test]
fn group_created_authorised_attached_detached_deleted() {
    let mut w = watcher();
    assert!(w.process(&create_group("sg-new", "new")).is_empty());
    assert!(w
        .process(&authorize("sg-new", "sgr-n1", "tcp", 8080, "0.0.0.0/0"))
        .is_empty());
    let r = w.process(&modify_instance_groups("i-pub", &["sg-web", "sg-new"]));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/8080"])]);
    let r = w.process(&modify_eni_groups("eni-pub", &["sg-web"]));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/8080"])]);
    assert!(w.process(&delete_group("sg-new")).is_empty());
    assert!(!w.snapshot().security_groups.contains_key("sg-new"));
}

#[test]
fn routes_deleted_and_created() {
    let mut w = watcher();
    let r = w.process(&delete_route("rtb-pub", "0.0.0.0/0"));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/443"])]);
    let r = w.process(&create_route("rtb-pub", "0.0.0.0/0", "igw-1"));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/443"])]);
    let r = w.process(&replace_route_nat("rtb-pub", "0.0.0.0/0", "nat-1"));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/443"])]);
}

#[test]
fn route_table_associations() {
    let mut w = watcher();
    // The private subnet moves to the public table: its instance's public address and
    // database port are now reachable.
    let r = w.process(&associate_route_table(
        "rtb-pub",
        "subnet-priv",
        "rtbassoc-new",
    ));
    assert_eq!(internet(&r), [opened("i-priv", &["tcp/5432"])]);
    let r = w.process(&disassociate_route_table("rtbassoc-new"));
    assert_eq!(internet(&r), [closed("i-priv", &["tcp/5432"])]);
    // The public subnet moves to the main table, then back.
    let r = w.process(&replace_route_table_association(
        "rtbassoc-pub",
        "rtb-main",
        "rtbassoc-x",
    ));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/443"])]);
    let r = w.process(&replace_route_table_association(
        "rtbassoc-x",
        "rtb-pub",
        "rtbassoc-y",
    ));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/443"])]);
}

#[test]
fn network_acl_entries_and_associations() {
    let mut w = watcher();
    let r = w.process(&nacl_entry(
        "CreateNetworkAclEntry",
        "acl-open",
        50,
        "deny",
        443,
    ));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/443"])]);
    let r = w.process(&nacl_entry(
        "ReplaceNetworkAclEntry",
        "acl-open",
        50,
        "allow",
        443,
    ));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/443"])]);
    let r = w.process(&delete_nacl_entry("acl-open", 50));
    assert!(internet(&r).is_empty(), "rule 100 still allows it: {r:?}");
    let r = w.process(&replace_nacl_association(
        "aclassoc-pub",
        "acl-closed",
        "aclassoc-c",
    ));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/443"])]);
    let r = w.process(&replace_nacl_association(
        "aclassoc-c",
        "acl-open",
        "aclassoc-o",
    ));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/443"])]);
}

#[test]
fn internet_gateway_detached_and_attached() {
    let mut w = watcher();
    let r = w.process(&igw("DetachInternetGateway", "igw-1", "vpc-1"));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/443"])]);
    let r = w.process(&igw("AttachInternetGateway", "igw-1", "vpc-1"));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/443"])]);
}

#[test]
fn elastic_ip_disassociated_and_associated() {
    let mut w = watcher();
    let r = w.process(&disassociate_address("eipassoc-pub"));
    assert_eq!(internet(&r), [closed("i-pub", &["tcp/443"])]);
    // The subnet maps public addresses: AWS may give the instance a new one.
    assert_eq!(notices(&r).len(), 1, "{r:?}");
    let r = w.process(&associate_address("eipalloc-pub", "i-pub", "eipassoc-2"));
    assert_eq!(internet(&r), [opened("i-pub", &["tcp/443"])]);
    assert!(w
        .process(&allocate_address("eipalloc-3", "52.0.0.9"))
        .is_empty());
    assert!(w.snapshot().addresses.contains_key("eipalloc-3"));
}

#[test]
fn instance_launched_with_a_public_address() {
    let mut w = watcher();
    let r = w.process(&run_instance(
        "i-new",
        "eni-new",
        "subnet-pub",
        "10.0.1.50",
        "sg-web",
        true,
    ));
    assert_eq!(internet(&r), [opened("i-new", &["tcp/443"])]);
    assert_eq!(notices(&r)[0].0, "i-new", "its address comes later: {r:?}");
    let r = w.process(&run_instance(
        "i-dark",
        "eni-dark",
        "subnet-pub",
        "10.0.1.51",
        "sg-web",
        false,
    ));
    assert!(internet(&r).is_empty(), "{r:?}");
}

#[test]
fn unappliable_events_are_reported_never_ignored() {
    let mut w = watcher();
    let r = w.process(&revoke_ids("sg-web", &["sgr-unknown"]));
    assert_eq!(
        notices(&r),
        [(
            "sg-web".to_string(),
            "rule sgr-unknown is not in the model".to_string()
        )]
    );
    let r = w.process(&event(
        "AttachNetworkInterface",
        serde_json::json!({"networkInterfaceId": "eni-x", "instanceId": "i-pub", "deviceIndex": 1}),
        serde_json::json!({"attachmentId": "eni-attach-x"}),
    ));
    assert_eq!(notices(&r)[0].0, "eni-x");
    let r = w.process(&authorize_plain("sg-missing", "tcp", 22, "0.0.0.0/0"));
    assert_eq!(notices(&r)[0].0, "sg-missing");
    assert_eq!(w.stats().redescribe, 3);
}

#[test]
fn failed_calls_and_other_events_change_nothing() {
    let mut w = watcher();
    let mut rec = record(
        "AuthorizeSecurityGroupIngress",
        serde_json::json!({"groupId": "sg-web", "ipPermissions": perms("tcp", 22, "0.0.0.0/0")}),
        serde_json::Value::Null,
    );
    rec["errorCode"] = "Client.UnauthorizedOperation".into();
    let ev = kensa_watch::ChangeEvent::from_record(&rec).unwrap();
    assert!(w.process(&ev).is_empty());
    let other = event(
        "DescribeInstances",
        serde_json::json!({}),
        serde_json::Value::Null,
    );
    assert!(w.process(&other).is_empty());
    assert_eq!((w.stats().failed_calls, w.stats().not_network), (1, 1));
    let before = Watcher::new(crate::fixture::snapshot());
    assert_eq!(before.exposures(), w.exposures());
}
