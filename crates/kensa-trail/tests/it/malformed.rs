//! Bad input is reported with its location and skipped; nothing panics.

use crate::common::{engine, run};

const RULE: &str = r#"
- rule: Any Run
  desc: d
  condition: ct.name = RunInstances
  output: run by %ct.user
  priority: WARNING
  source: aws_cloudtrail
"#;

fn rec(id: u32, name: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","eventName":"{name}","eventID":"id-{id}","userIdentity":{{"type":"IAMUser","userName":"u"}},"eventTime":"2023-07-10T12:00:00Z"}}"#
    )
}

#[test]
fn broken_record_in_delivery_file_is_reported_and_the_rest_evaluated() {
    let e = engine(&[("r.yaml", RULE)]);
    // Record 1 has balanced braces but is not JSON: found when it is parsed as a candidate.
    let bad = r#"{"eventVersion":"1.08","eventName":"RunInstances","eventID":oops}"#;
    let input = format!(
        r#"{{"Records":[{},{bad},{}]}}"#,
        rec(0, "RunInstances"),
        rec(2, "RunInstances")
    );
    let out = run(&e, input.as_bytes(), "f.json");
    assert_eq!(out.stats.events, 3);
    assert_eq!(out.alerts.len(), 2);
    assert_eq!(out.errors.len(), 1);
    assert!(
        out.errors[0].location.starts_with("record 1 (byte "),
        "{:?}",
        out.errors
    );
    assert!(out.errors[0].message.contains("malformed JSON"));
}

#[test]
fn structural_error_resyncs_at_next_record() {
    let e = engine(&[("r.yaml", RULE)]);
    let bad = r#"{"eventVersion":"1.08","eventName":"RunInstances","x":[}"#;
    let input = format!(
        r#"{{"Records":[{},{bad},{}]}}"#,
        rec(0, "RunInstances"),
        rec(2, "RunInstances")
    );
    let out = run(&e, input.as_bytes(), "f.json");
    assert_eq!(out.alerts.len(), 2, "{:?}", out.errors);
    assert_eq!(out.errors.len(), 1);
    assert!(out.errors[0].location.starts_with("byte "));
}

#[test]
fn ndjson_bad_line_is_skipped() {
    let e = engine(&[("r.yaml", RULE)]);
    let input = format!(
        "{}\nnot json at all\n{}\n",
        rec(0, "RunInstances"),
        rec(1, "RunInstances")
    );
    let out = run(&e, input.as_bytes(), "f.ndjson");
    assert_eq!(out.alerts.len(), 2);
    assert_eq!(out.errors.len(), 1);
}

#[test]
fn record_without_event_name_is_reported() {
    let e = engine(&[("r.yaml", RULE)]);
    let input = format!(
        r#"[{}, {{"eventID":"x"}}, {}]"#,
        rec(0, "RunInstances"),
        rec(2, "RunInstances")
    );
    let out = run(&e, input.as_bytes(), "a.json");
    assert_eq!(out.alerts.len(), 2);
    assert_eq!(out.errors.len(), 1);
    assert!(out.errors[0].message.contains("no eventName"));
    assert!(out.errors[0].location.starts_with("record 1"));
}

#[test]
fn missing_fields_render_na_and_fail_comparisons() {
    let rules = r#"
- rule: Who
  desc: d
  condition: ct.name = RunInstances and ct.srcip != "1.2.3.4"
  output: ip=%ct.srcip user=%ct.user
  priority: INFO
  source: aws_cloudtrail
- rule: Missing
  desc: d
  condition: ct.name = RunInstances and not ct.srcip exists
  output: user=%ct.user region=%ct.region
  priority: INFO
  source: aws_cloudtrail
"#;
    let e = engine(&[("r.yaml", rules)]);
    let out = run(&e, rec(0, "RunInstances").as_bytes(), "x");
    // Falco: a comparison on a field without value is false, even `!=`.
    assert_eq!(out.alerts.len(), 1);
    assert_eq!(out.alerts[0].output, "user=u region=<NA>");
}

#[test]
fn gzip_input_and_truncated_gzip() {
    use std::io::Write;
    let e = engine(&[("r.yaml", RULE)]);
    let input = format!(
        r#"{{"Records":[{},{}]}}"#,
        rec(0, "RunInstances"),
        rec(1, "RunInstances")
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(input.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let out = run(&e, &gz, "f.json.gz");
    assert_eq!((out.alerts.len(), out.errors.len()), (2, 0));
    assert_eq!(out.stats.bytes, input.len() as u64);
    let cut = &gz[..gz.len() - 12];
    let out = run(&e, cut, "cut.json.gz");
    assert!(!out.errors.is_empty());
    assert!(
        out.errors
            .iter()
            .any(|e| e.message.contains("gzip") || e.message.contains("ends inside")),
        "{:?}",
        out.errors
    );
    let garbage = [0x1f, 0x8b, 1, 2, 3, 4, 5];
    let out = run(&e, &garbage, "bad.gz");
    assert_eq!(out.alerts.len(), 0);
    assert!(out.errors[0].message.contains("gzip"), "{:?}", out.errors);
}

#[test]
fn eventbridge_envelopes_and_arrays() {
    let e = engine(&[("r.yaml", RULE)]);
    let eb = format!(
        r#"{{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":{}}}"#,
        rec(0, "RunInstances")
    );
    let input = format!("{eb}\n{eb}\n");
    let out = run(&e, input.as_bytes(), "eb");
    assert_eq!(out.alerts.len(), 2);
    let arr = format!("[{eb},{}]", rec(5, "RunInstances"));
    assert_eq!(run(&e, arr.as_bytes(), "arr").alerts.len(), 2);
}

#[test]
fn bad_rules_are_reported_and_skipped() {
    let text = r#"
- rule: Good
  desc: d
  condition: ct.name = RunInstances
  output: ok
  priority: WARNING
  source: aws_cloudtrail

- rule: Unknown Field
  desc: d
  condition: ct.name = RunInstances and ct.nosuch = x
  output: x
  priority: WARNING
  source: aws_cloudtrail

- rule: Unknown Macro
  desc: d
  condition: ct.name = RunInstances and not_defined_macro
  output: x
  priority: WARNING
  source: aws_cloudtrail

- rule: Bad Syntax
  desc: d
  condition: ct.name = RunInstances and (
  output: x
  priority: WARNING
  source: aws_cloudtrail

- rule: Bad YAML
  desc: [unclosed
  condition: x
- rule: Bad Priority
  desc: d
  condition: ct.name = RunInstances
  output: x
  priority: LOUD
  source: aws_cloudtrail

- rule: Bad Output
  desc: d
  condition: ct.name = RunInstances
  output: "%ct.whatever"
  priority: INFO
  source: aws_cloudtrail
"#;
    let (rules, diags) = kensa_trail::load_rule_sources(&[kensa_trail::RuleSource {
        name: "bad.yaml".into(),
        text: text.into(),
    }]);
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    insta::assert_snapshot!(shown.join("\n"));
    assert_eq!(rules.rules().len(), 1);
    let e = kensa_trail::Engine::new(rules);
    assert_eq!(
        run(&e, rec(0, "RunInstances").as_bytes(), "x").alerts.len(),
        1
    );
}

#[test]
fn garbage_inputs_never_panic() {
    let e = engine(&[("r.yaml", RULE)]);
    for input in [
        "",
        "   ",
        "{",
        "[",
        "]",
        "}",
        "\"",
        "{\"Records\":",
        "{\"Records\":[",
        "{\"Records\":[{",
        "[{\"eventName\":",
        "nul",
        "\u{feff}{\"eventName\":\"RunInstances\"}",
    ] {
        let _ = run(&e, input.as_bytes(), "g");
    }
}
