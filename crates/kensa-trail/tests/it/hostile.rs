//! Hostile rule files and logs: bounded recursion, shared macros, size limits, duplicated
//! keys and empty inputs are reported, never a crash, a hang or a silent "0 events".

use std::io::Write;

use flate2::write::GzEncoder;
use kensa_trail::{load_rule_sources, Engine, Level, Limits, RuleSource};

use crate::common::{engine, run};

/// Loads one rules file and returns the error diagnostics as `line: message`.
fn load_errors(text: &str) -> Vec<String> {
    let src = RuleSource {
        name: "hostile.yaml".into(),
        text: text.into(),
    };
    let (_, diags) = load_rule_sources(&[src]);
    diags
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| format!("{}:{}: {:?}: {}", d.file, d.line, d.item, d.message))
        .collect()
}

fn rule_with(condition: &str) -> String {
    format!(
        "- rule: Deep\n  desc: d\n  condition: {condition}\n  output: o\n  priority: WARNING\n  source: aws_cloudtrail\n"
    )
}

#[test]
fn five_thousand_parentheses_are_a_clear_error() {
    let cond = format!("{}ct.name = X{}", "(".repeat(5000), ")".repeat(5000));
    let errs = load_errors(&rule_with(&cond));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("hostile.yaml:3:"), "{errs:?}");
    assert!(errs[0].contains("rule 'Deep'"), "{errs:?}");
    assert!(errs[0].contains("nests deeper than"), "{errs:?}");
}

#[test]
fn ten_thousand_nots_are_a_clear_error() {
    let cond = format!("{}ct.name = X", "not ".repeat(10_000));
    let errs = load_errors(&rule_with(&cond));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("nests deeper than"), "{errs:?}");
}

#[test]
fn a_ten_thousand_macro_chain_is_a_clear_error() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!("- macro: m{i}\n  condition: m{}\n", i + 1));
    }
    text.push_str("- macro: m10000\n  condition: ct.name = X\n");
    text.push_str(&rule_with("m0"));
    let errs = load_errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("nests deeper than"), "{errs:?}");
    assert!(errs[0].contains("through macros m0 -> m1"), "{errs:?}");
}

/// 24 levels of macros that each use the next one twice: 2^24 leaves if copied.
fn doubling_macros(levels: usize) -> String {
    let mut text = String::new();
    for i in 0..levels {
        text.push_str(&format!(
            "- macro: m{i}\n  condition: (m{n} and ct.region != nowhere{i}) or (m{n} and ct.name = never)\n",
            n = i + 1
        ));
    }
    text.push_str(&format!(
        "- macro: m{levels}\n  condition: ct.name = RunInstances\n"
    ));
    text.push_str(&rule_with("m0"));
    text
}

#[test]
fn macros_using_the_next_twice_are_shared_and_evaluated_linearly() {
    let text = doubling_macros(24);
    let e = engine(&[("double.yaml", &text)]);
    let run_rec = r#"{"eventVersion":"1","eventName":"RunInstances","awsRegion":"x"}"#;
    let other = r#"{"eventVersion":"1","eventName":"StopInstances","awsRegion":"x"}"#;
    let out = run(&e, format!("{run_rec}\n{other}\n").as_bytes(), "t.json");
    assert_eq!(out.alerts.len(), 1, "{:?}", out.errors);
    assert_eq!(out.alerts[0].rule, "Deep");
    // Pinned to the event name through all 24 levels: the index still works.
    assert_eq!(
        e.rules().rules()[0].event_names.as_deref(),
        Some(&["RunInstances".to_string()][..])
    );
}

fn rec(name: &str, extra: &str) -> String {
    format!(r#"{{"eventVersion":"1.08","eventName":"{name}","eventID":"e1"{extra}}}"#)
}

const DELETE_TRAIL: &str = "- rule: Trail Deleted\n  desc: d\n  condition: ct.name = DeleteTrail\n  output: deleted by %ct.user\n  priority: CRITICAL\n  source: aws_cloudtrail\n";

#[test]
fn a_second_event_name_is_evaluated_and_reported() {
    let e = engine(&[("r.yaml", DELETE_TRAIL)]);
    // The first name has no rule at all: before, the record was not even parsed.
    for input in [
        rec("ListBuckets", r#","eventName":"DeleteTrail""#),
        format!(
            r#"{{"Records":[{}]}}"#,
            rec("DeleteTrail", r#","eventName":"ListBuckets""#)
        ),
        format!(
            "{}\n",
            rec(
                "ListBuckets",
                &format!(r#","x":"{}","eventName":"DeleteTrail""#, "p".repeat(200))
            )
        ),
    ] {
        let out = run(&e, input.as_bytes(), "dup.json");
        let rules: Vec<&str> = out.alerts.iter().map(|a| a.rule.as_str()).collect();
        assert_eq!(
            rules,
            ["CloudTrail record with duplicated keys", "Trail Deleted"],
            "{input}"
        );
        assert!(
            out.alerts[0].output.contains("keys=eventName"),
            "{:?}",
            out.alerts[0]
        );
        assert_eq!(out.stats.events, 1);
    }
}

#[test]
fn other_duplicated_keys_are_evaluated_with_every_value() {
    let rule = "- rule: Root\n  desc: d\n  condition: ct.name = ConsoleLogin and ct.region = us-east-1\n  output: o\n  priority: WARNING\n  source: aws_cloudtrail\n";
    let e = engine(&[("r.yaml", rule)]);
    let input = rec(
        "ConsoleLogin",
        r#","awsRegion":"eu-west-1","awsRegion":"us-east-1""#,
    );
    let out = run(&e, input.as_bytes(), "dup.json");
    let rules: Vec<&str> = out.alerts.iter().map(|a| a.rule.as_str()).collect();
    assert_eq!(rules, ["CloudTrail record with duplicated keys", "Root"]);
    assert!(out.alerts[0].output.contains("keys=awsRegion"));
}

#[test]
fn a_second_records_array_is_read_and_warned_about() {
    let e = engine(&[("r.yaml", DELETE_TRAIL)]);
    let input = format!(r#"{{"Records":[],"Records":[{}]}}"#, rec("DeleteTrail", ""));
    let out = run(&e, input.as_bytes(), "two.json");
    assert_eq!(out.stats.events, 1);
    assert_eq!(out.alerts.len(), 1);
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(out.errors[0].message.contains("second \"Records\""));
    assert_eq!(
        out.stats.errors, 1,
        "a parser differential is not a clean input"
    );
}

#[test]
fn empty_inputs_are_warned_about() {
    let e = engine(&[("r.yaml", DELETE_TRAIL)]);
    // CloudTrail never writes an empty file: one is an input error, not "0 events".
    for (input, what, counted) in [
        ("", "empty input", 1),
        ("  \n", "no CloudTrail records", 0),
        (r#"{"Records":[]}"#, "no CloudTrail records", 0),
    ] {
        let out = run(&e, input.as_bytes(), "empty.json");
        assert_eq!(out.stats.events, 0);
        assert_eq!(out.errors.len(), 1, "{input:?}");
        assert!(out.errors[0].message.contains(what), "{:?}", out.errors);
        assert_eq!(out.stats.errors, counted, "{input:?}");
    }
    let out = run(&e, &gzip(b""), "empty.json.gz");
    assert_eq!(out.stats.errors, 1, "{:?}", out.errors);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[test]
fn a_gzip_that_inflates_to_one_huge_record_stops_at_the_record_limit() {
    let limits = Limits {
        max_record: 1 << 20,
        ..Limits::default()
    };
    let e = engine(&[("r.yaml", DELETE_TRAIL)]).with_limits(limits);
    // 16 MiB of one string inside one record, a few dozen KB compressed.
    let mut body = br#"{"Records":[{"eventVersion":"1","eventName":"DeleteTrail","x":""#.to_vec();
    body.resize(body.len() + (16 << 20), b'a');
    body.extend_from_slice(b"\"}]}");
    let gz = gzip(&body);
    drop(body);
    let mut errors = Vec::new();
    let stats = e.process_reader(&gz[..], "bomb.json.gz", &mut |_| {}, &mut |x| {
        errors.push(x)
    });
    assert_eq!(stats.errors, 1, "{errors:?}");
    assert!(
        errors[0].message.contains("1048576-byte limit"),
        "{errors:?}"
    );
    assert!(stats.bytes < 8 << 20, "read {} bytes", stats.bytes);
}

#[test]
fn the_input_limit_applies_after_decompression() {
    let limits = Limits {
        max_input: 100_000,
        ..Limits::default()
    };
    let e = engine(&[("r.yaml", DELETE_TRAIL)]).with_limits(limits);
    let line = format!("{}\n", rec("DeleteTrail", ""));
    let body = line.repeat(20_000);
    let mut errors = Vec::new();
    let gz = gzip(body.as_bytes());
    let stats = e.process_reader(&gz[..], "many.json.gz", &mut |_| {}, &mut |x| {
        errors.push(x)
    });
    assert!(errors.iter().any(|x| x
        .message
        .contains("100000-byte limit (after decompression)")));
    assert!(stats.events < 20_000);
    // In memory too.
    let out = run(&e, body.as_bytes(), "many.json");
    assert!(out
        .errors
        .iter()
        .any(|x| x.message.contains("100000-byte limit")));
}

#[test]
fn an_endless_stream_of_garbage_stops() {
    let e = engine(&[("r.yaml", DELETE_TRAIL)]);
    let zeros = std::io::Read::take(std::io::repeat(0), 1 << 30);
    let mut errors = Vec::new();
    let stats = e.process_reader(zeros, "zeros", &mut |_| {}, &mut |x| errors.push(x));
    assert!(stats.errors >= 1);
    assert!(
        stats.bytes < 64 << 20,
        "read {} bytes of zeros",
        stats.bytes
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_refused() {
    let err = kensa_trail::open_log(std::path::Path::new("/dev/zero")).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let dir = std::env::temp_dir();
    let err = kensa_trail::open_log(&dir).unwrap_err();
    assert!(err.to_string().contains("directory"), "{err}");
}

#[test]
fn falco_rules_still_load_without_errors() {
    let Some(text) = crate::common::falco_rules_text() else {
        return;
    };
    let errs = load_errors(&text);
    assert!(errs.is_empty(), "{errs:?}");
    let e: Engine = engine(&[("falco.yaml", &text)]);
    assert!(e.rules().enabled_count() > 0);
}
