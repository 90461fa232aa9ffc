//! Remediation policies: the file's validation (each error with its line), and what a
//! policy makes of an opened exposure (scope, exemption by tag).
use kensa_model::ec2::Tag;
use kensa_net::engine::SourceClass;
use kensa_watch::policy::{parse_policies, Decision, PolicyMode, DEFAULT_ALLOW_TAG};
use kensa_watch::{WatchRecord, Watcher};

use crate::events::authorize;
use crate::fixture;

const GOOD: &str = "\
# world-open admin ports on production
policies:
  - name: world-ssh
    controls: [EC2.13, EC2.14]
    exposures: [internet]
    min_severity: high
    mode: narrow
    scope:
      accounts: [\"111122223333\"]
      regions: [us-east-1]
      tags: {env: prod}
    dry_run: true
    rate_limit_per_hour: 3
  - name: all-admin-ports
    controls: [EC2.19]
    approval:
      webhook: https://hooks.example.com/kensa
";

#[test]
fn a_valid_file_loads_with_defaults() {
    let p = parse_policies("p.yaml", GOOD).expect("valid");
    assert_eq!(p.len(), 2);
    assert_eq!((p[0].line, p[1].line), (3, 14));
    assert_eq!(p[0].mode, PolicyMode::Narrow);
    assert_eq!(p[0].rate_limit_per_hour, 3);
    assert!(p[0].dry_run && p[0].approval.is_none());
    assert_eq!(p[0].scope.tags["env"], "prod");
    assert_eq!(p[1].mode, PolicyMode::Revoke);
    assert_eq!(p[1].exposures, [SourceClass::Internet]);
    assert_eq!(p[1].allow_tags, [DEFAULT_ALLOW_TAG]);
    assert_eq!(
        p[1].approval.as_ref().unwrap().webhook.as_deref(),
        Some("https://hooks.example.com/kensa")
    );
}

#[test]
fn every_meaning_error_is_reported_with_its_line() {
    let text = "\
policies:
  - name: a
    controls: [EC2.13, NOPE.1]
    mode: sideways
  - name: a
    controls: [EC2.13]
    exposures: [moon]
    rate_limit_per_hour: 0
    approval:
      webhook: ftp://x
";
    let errors = parse_policies("p.yaml", text).unwrap_err();
    let got: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        got,
        [
            "p.yaml:3: policy 'a': unknown control `NOPE.1`",
            "p.yaml:4: policy 'a': unknown mode `sideways` (revoke or narrow)",
            "p.yaml:5: policy 'a': another policy has this name",
            "p.yaml:7: policy 'a': unknown exposure class `moon` (internet, peered-vpc, vgw, tgw)",
            "p.yaml:10: policy 'a': webhook `ftp://x` is not an http(s) URL",
            "p.yaml:8: policy 'a': 0 would never remediate: use dry_run",
        ]
    );
}

#[test]
fn syntax_and_unknown_fields_are_reported_with_their_line() {
    let e = parse_policies(
        "p.yaml",
        "policies:\n  - name: a\n    controls: [EC2.13]\n    dryrun: true\n",
    )
    .unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 4, "{}", e[0]);
    assert!(e[0].message.contains("unknown field `dryrun`"), "{}", e[0]);
    let e = parse_policies("p.yaml", "policies:\n  - name: [\n").unwrap_err();
    assert!(e[0].line >= 2, "{}", e[0]);
    let e = parse_policies("p.yaml", "policies:\n  - name: a\n    controls: []\n").unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "p.yaml:3: policy 'a': no controls: name the controls to fix"
    );
}

/// The opened exposure of SSH on the fixture's public instance.
fn ssh_opened(w: &mut Watcher) -> kensa_watch::ExposureAlert {
    let r = w.process(&authorize("sg-web", "sgr-ssh", "tcp", 22, "0.0.0.0/0"));
    match r.into_iter().next() {
        Some(WatchRecord::Exposure(a)) => a,
        other => panic!("expected an exposure: {other:?}"),
    }
}

fn policy(extra: &str) -> kensa_watch::policy::Policy {
    let text = format!("policies:\n  - name: p\n    controls: [EC2.13]\n{extra}");
    parse_policies("p.yaml", &text).expect("valid").remove(0)
}

#[test]
fn a_policy_acts_in_scope_and_spares_allow_listed_resources() {
    let mut w = Watcher::new(fixture::snapshot());
    let a = ssh_opened(&mut w);
    let groups = vec!["sg-web".to_string()];
    let snap = w.snapshot().clone();
    let remediate = Decision::Remediate {
        groups: groups.clone(),
    };
    assert_eq!(policy("").decide(&a, &groups, &snap), remediate);
    let out = [
        "    scope: {regions: [eu-west-1]}\n",
        "    scope: {accounts: [\"999999999999\"]}\n",
        "    scope: {tags: {env: prod}}\n",
        "    exposures: [peered-vpc]\n",
        "    min_severity: critical\n",
    ];
    for extra in out {
        assert_eq!(
            policy(extra).decide(&a, &groups, &snap),
            Decision::OutOfScope,
            "{extra}"
        );
    }
    // Tagged: the instance in scope by its tag; the group exempt by the allow tag.
    let mut tagged = snap.clone();
    let inst = tagged.instances.get_mut("i-pub").unwrap();
    inst.tags.push(Tag {
        key: "env".into(),
        value: "prod".into(),
    });
    let sg = tagged.security_groups.get_mut("sg-web").unwrap();
    sg.tags.push(Tag {
        key: DEFAULT_ALLOW_TAG.into(),
        value: "true".into(),
    });
    assert_eq!(
        policy("    scope: {tags: {env: prod}}\n").decide(&a, &groups, &tagged),
        Decision::Exempt {
            resource: "sg-web".into(),
            tag: DEFAULT_ALLOW_TAG.into()
        }
    );
    assert_eq!(
        policy("    allow_tags: [\"kensa:allow-public=false\"]\n").decide(&a, &groups, &tagged),
        remediate,
        "a key=value allow tag needs that value"
    );
}
