use super::*;
use crate::registry::rules;

#[test]
fn builtin_frameworks_are_ordered_by_control_number() {
    let f = builtin("fsbp").unwrap();
    let ids: Vec<&str> = f.controls.iter().map(|c| c.control.as_str()).collect();
    assert_eq!(&ids[..4], ["EC2.1", "EC2.2", "EC2.3", "EC2.6"]);
    assert_eq!(ids.last(), Some(&"EC2.182"));
    for f in crate::registry::frameworks() {
        let n = rules().iter().filter(|r| r.framework == f.id).count();
        assert_eq!(builtin(&f.id).unwrap().controls.len(), n, "{}", f.id);
    }
}

#[test]
fn custom_framework_with_parameters() {
    let text = "id: acme\ncontrols:\n  - id: NET-1\n    rule: fsbp:EC2.18\n    parameters:\n      authorizedTcpPorts: [443, 8443]\n  - rule: restricted-ssh\n";
    let f = parse("acme.yaml", text).unwrap();
    assert_eq!(f.controls[0].control, "NET-1");
    assert_eq!(
        f.controls[0].params.get("authorizedTcpPorts"),
        Some("443, 8443")
    );
    assert_eq!(f.controls[1].rule.id, "aws-config:restricted-ssh");
}

#[test]
fn custom_controls_name_checks_like_the_builtin_tables() {
    let text = "id: acme\ntitle: ACME\ncontrols:\n  - id: NET-1\n    check: sg-unauthorized-port-open-to-world\n    severity: critical\n    parameters:\n      authorizedTcpPorts: '443'\n";
    let f = parse("acme.yaml", text).unwrap();
    let c = &f.controls[0];
    assert_eq!(c.rule.id, "acme:NET-1");
    assert_eq!(c.rule.severity, Severity::Critical);
    assert_eq!(c.rule.title, c.rule.check.title);
    assert_eq!(c.params.get("authorizedTcpPorts"), Some("443"));
}

#[test]
fn errors_name_file_line_and_key() {
    let text = "id: acme\ncontrols:\n  - rule: fsbp:EC2.18\n  - rule: fsbp:EC2.19\n    parameters:\n      ports: 22\n";
    let e = parse("acme.yaml", text).unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("acme.yaml", 6), "{e}");
    assert_eq!(e.key, "controls[1].parameters.ports");

    let text = "id: acme\ncontrols:\n  - rule: fsbp:EC2.18\n    parameters:\n      authorizedTcpPorts: 99999\n";
    let e = parse("acme.yaml", text).unwrap_err();
    assert_eq!(
        (e.line, e.key.as_str()),
        (5, "controls[0].parameters.authorizedTcpPorts"),
        "{e}"
    );

    let text = "id: acme\ncontrols:\n  - rule: no-such-rule\n";
    let e = parse("acme.yaml", text).unwrap_err();
    assert_eq!((e.line, e.key.as_str()), (3, "controls[0].rule"), "{e}");

    let text = "id: acme\ncontrols:\n  - id: X\n    check: no-such-check\n";
    let e = parse("acme.yaml", text).unwrap_err();
    assert_eq!((e.line, e.key.as_str()), (4, "controls[0].check"), "{e}");

    let text = "id: acme\ncontrols:\n  - id: X\n    check: ami-public\n    severity: urgent\n";
    let e = parse("acme.yaml", text).unwrap_err();
    assert_eq!((e.line, e.key.as_str()), (5, "controls[0].severity"), "{e}");

    let text = "id: acme\ncontrols:\n  - rule: fsbp:EC2.18\n    paramters: {}\n";
    let e = parse("acme.yaml", text).unwrap_err();
    assert_eq!(e.line, 4, "{e}");
    assert!(e.key.ends_with("paramters"), "{e}");
}

#[test]
fn duplicated_control_ids_are_an_error() {
    let text = "id: acme\ncontrols:\n  - id: NET-1\n    rule: fsbp:EC2.18\n  - rule: restricted-ssh\n  - id: NET-1\n    rule: fsbp:EC2.19\n";
    let e = parse("f.yaml", text).unwrap_err();
    assert_eq!((e.line, e.key.as_str()), (6, "controls[2].id"), "{e}");
    assert!(
        e.message
            .contains("duplicated control id `NET-1` (first at line 3"),
        "{e}"
    );
    // Two entries of the same rule without ids collide on the rule's id.
    let text = "id: acme\ncontrols:\n  - rule: restricted-ssh\n  - rule: restricted-ssh\n";
    assert!(parse("f.yaml", text).is_err());
}

#[test]
fn twenty_thousand_controls_parse_in_linear_time() {
    let mut text = String::from("id: big\ncontrols:\n");
    for i in 0..20_000 {
        text.push_str(&format!("  - id: C-{i}\n    rule: fsbp:EC2.19\n"));
    }
    let f = parse("big.yaml", &text).unwrap();
    assert_eq!(f.controls.len(), 20_000);
}
