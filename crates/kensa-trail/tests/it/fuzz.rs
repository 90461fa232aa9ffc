//! Fuzzing on the stable toolchain: proptest mutates valid inputs (bytes deleted,
//! inserted, duplicated, truncated) and every parser must answer without panicking,
//! within its limits. 300 cases per family keep CI bounded (a few seconds each).

use kensa_trail::{load_rule_sources, Engine, Limits, RuleSource};
use proptest::prelude::*;

use crate::common::run;

/// One edit of a seed document.
#[derive(Debug, Clone)]
pub enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
    Truncate(usize),
}

/// Bytes that matter to JSON and YAML parsers, plus some that should not appear.
const NASTY: &[u8] = b"{}[]\":,\\ \n\t-#&*!|>'%@`\x00\xff\xefu0123456789eE.+trnfalse";

pub fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (
            any::<usize>(),
            prop::collection::vec(prop::sample::select(NASTY), 1..12)
        )
            .prop_map(|(a, b)| Edit::Insert(a, b)),
        (any::<usize>(), 1usize..200).prop_map(|(a, n)| Edit::Duplicate(a, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ];
    prop::collection::vec(edit, 1..6)
}

pub fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for e in edits {
        let len = v.len().max(1);
        match e {
            Edit::Delete(a, n) => {
                let a = a % len;
                let b = (a + n).min(v.len());
                v.drain(a.min(b)..b);
            }
            Edit::Insert(a, bytes) => {
                let a = a % (v.len() + 1);
                v.splice(a..a, bytes.iter().copied());
            }
            Edit::Duplicate(a, n) => {
                let a = a % len;
                let b = (a + n).min(v.len());
                let copy = v[a.min(b)..b].to_vec();
                v.splice(b..b, copy);
            }
            Edit::Truncate(a) => v.truncate(a % len),
        }
    }
    v
}

const RULES: &str = "- list: ops\n  items: [RunInstances, DeleteTrail]\n- macro: is_op\n  condition: ct.name in (ops)\n- rule: Op\n  desc: d\n  condition: is_op and not ct.user contains \"x\" and (ct.region = us-east-1 or ct.srcip exists)\n  output: op %ct.name by %ct.user\n  priority: WARNING\n  source: aws_cloudtrail\n  exceptions:\n    - name: ok\n      fields: [ct.user]\n      values: [[admin]]\n";

fn engine() -> Engine {
    let src = RuleSource {
        name: "r.yaml".into(),
        text: RULES.into(),
    };
    let (rules, _) = load_rule_sources(&[src]);
    Engine::new(rules).with_limits(Limits {
        max_record: 64 << 10,
        max_input: 1 << 20,
    })
}

fn records() -> String {
    let rec = |name: &str| {
        format!(
            r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::1:user/a","userName":"a"}},"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"1.2.3.4","requestParameters":{{"instancesSet":{{"items":[{{"imageId":"ami-1"}}]}}}},"eventID":"e-{name}"}}"#
        )
    };
    format!(
        r#"{{"Records":[{},{},{}]}}"#,
        rec("RunInstances"),
        rec("DeleteTrail"),
        rec("ListBuckets")
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// CloudTrail records: delivery files, NDJSON and gzip, damaged.
    #[test]
    fn cloudtrail_records(e in edits(), ndjson in any::<bool>()) {
        let seed = if ndjson { records().replace("},{\"eventVersion", "}\n{\"eventVersion") } else { records() };
        let input = apply(seed.as_bytes(), &e);
        let out = run(&engine(), &input, "fuzz.json");
        // Every record is either evaluated or reported.
        prop_assert!(out.stats.events <= 6);
        prop_assert!(out.stats.bytes <= input.len() as u64);
    }

    /// Rule files: YAML structure and conditions, damaged.
    #[test]
    fn rule_yaml(e in edits()) {
        let text = String::from_utf8_lossy(&apply(RULES.as_bytes(), &e)).into_owned();
        let (_, diags) = load_rule_sources(&[RuleSource { name: "f.yaml".into(), text }]);
        for d in diags {
            prop_assert_eq!(d.file.as_str(), "f.yaml");
        }
    }

    /// Condition expressions from a soup of the language's tokens.
    #[test]
    fn conditions(tokens in prop::collection::vec(prop::sample::select(&[
        "(", ")", "not", "and", "or", "ct.name", "=", "in", "(a,", "b)", "ct.user", "contains",
        "\"x\"", "ops", "is_op", "tolower(", "exists", "pmatch", "json.value[/a]", "val(", ",",
        "<", "glob", "'[a-'", "bcontains", "zz", "len(", "regex", "'(a'",
    ][..]), 0..60)) {
        let cond = tokens.join(" ");
        let text = format!("- macro: is_op\n  condition: ct.name = A\n- list: ops\n  items: [a]\n- rule: F\n  desc: d\n  condition: {}\n  output: o\n  priority: INFO\n  source: aws_cloudtrail\n", serde_json::to_string(&cond).unwrap());
        let (set, _) = load_rule_sources(&[RuleSource { name: "c.yaml".into(), text }]);
        let engine = Engine::new(set);
        let _ = run(&engine, records().as_bytes(), "c.json");
    }
}
