//! Falco's rules over the invictus CloudTrail dataset: alert counts equal an independent
//! count done with plain JSON filtering.

use std::collections::BTreeMap;

use crate::common::{corpus, engine, falco_rules_text, run};

#[test]
fn falco_rules_on_invictus_match_plain_json_filtering() {
    let (Some(dir), Some(text)) = (corpus(), falco_rules_text()) else {
        return;
    };
    let e = engine(&[("falco.yaml", &text)]);
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    let mut events = 0;
    let mut files: Vec<_> = std::fs::read_dir(dir.join("cloudtrail/invictus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let out = run(&e, &bytes, &f.display().to_string());
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        events += out.stats.events;
        for a in out.alerts {
            *got.entry(a.rule).or_default() += 1;
        }
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for r in doc["Records"].as_array().unwrap() {
            for rule in expected_rules(r) {
                *expected.entry(rule.to_string()).or_default() += 1;
            }
        }
    }
    assert_eq!(events, 2900);
    assert_eq!(got, expected);
    assert!(!got.is_empty());
}

/// The Falco rules an event should trigger, written directly against the JSON.
fn expected_rules(r: &serde_json::Value) -> Vec<&'static str> {
    let s = |p: &str| r.pointer(p).and_then(|v| v.as_str()).unwrap_or("");
    let ok = r.get("errorCode").is_none();
    let name = s("/eventName");
    let mut out = Vec::new();
    if !ok {
        return out;
    }
    let simple = [
        ("CreateUser", "Create AWS user"),
        ("CreateGroup", "Create Group"),
        ("DeleteGroup", "Delete Group"),
        ("CreateFunction20150331", "Create Lambda Function"),
        (
            "UpdateFunctionCode20150331v2",
            "Update Lambda Function Code",
        ),
        (
            "UpdateFunctionConfiguration20150331v2",
            "Update Lambda Function Configuration",
        ),
        ("RunInstances", "Run Instances"),
        ("DeleteBucketEncryption", "Delete Bucket Encryption"),
        ("PutBucketAcl", "Put Bucket ACL"),
        ("PutBucketPolicy", "Put Bucket Policy"),
        ("CreateTrail", "CloudTrail Trail Created"),
        ("StopLogging", "CloudTrail Logging Disabled"),
    ];
    for (n, rule) in simple {
        if name == n {
            out.push(rule);
        }
    }
    let ident = s("/userIdentity/type");
    let login_ok = s("/responseElements/ConsoleLogin") == "Success";
    let no_mfa = s("/additionalEventData/MFAUsed") == "No";
    if name == "ConsoleLogin" && ident == "AssumedRole" && login_ok {
        out.push("Console Login Through Assume Role");
    }
    if name == "ConsoleLogin" && ident != "AssumedRole" && login_ok && no_mfa {
        out.push("Console Login Without MFA");
        if ident == "Root" {
            out.push("Console Root Login Without MFA");
        }
    }
    if name == "DeactivateMFADevice"
        && ident == "Root"
        && s("/requestParameters/userName") == "AWS ROOT USER"
    {
        out.push("Deactivate MFA for Root User");
    }
    let ecs = s("/eventSource") == "ecs.amazonaws.com";
    if ecs && name == "CreateService" {
        out.push("ECS Service Created");
    }
    if ecs && (name == "RunTask" || name == "StartTask") {
        out.push("ECS Task Run or Started");
    }
    if name == "RunInstances" && s("/awsRegion") != "us-east-0" {
        out.push("Run Instances in Non-approved Region");
    }
    if name == "PutBucketPublicAccessBlock"
        && r.pointer("/requestParameters/publicAccessBlock")
            .and_then(|v| v.as_str())
            == Some("")
    {
        let cfg = |k: &str| {
            r.pointer(&format!(
                "/requestParameters/PublicAccessBlockConfiguration/{k}"
            ))
            .and_then(|v| v.as_bool())
        };
        if [
            "RestrictPublicBuckets",
            "BlockPublicPolicy",
            "BlockPublicAcls",
            "IgnorePublicAcls",
        ]
        .iter()
        .any(|k| cfg(k) == Some(false))
        {
            out.push("Delete Bucket Public Access Block");
        }
    }
    out
}
