//! A collected snapshot through the configuration controls: the storage, compute and
//! account-setting controls are evaluated on what `collect` wrote (not NOT_APPLICABLE),
//! with the outcome the moto environment was built for, and the planner acts on it.
use std::collections::BTreeMap;
use std::path::Path;

use aws_sdk_ec2::types::{OperationType, SnapshotAttributeName};
use kensa_aws::collect::{Extras, Manifest};
use kensa_aws::remediate::Mode;
use kensa_model::Snapshot;
use kensa_rules::run_rule;
use kensa_rules::{Context, Evaluation, Outcome};

use crate::collect::collect_into;
use crate::{env, moto_or_skip, snapshot};

/// `PASSED`, `FAILED` or `NOT_APPLICABLE` per rule id, as `kensa compliance` decides.
fn statuses(snap: &Snapshot) -> BTreeMap<&'static str, &'static str> {
    let ctx = Context::new(snap);
    kensa_rules::rules()
        .iter()
        .map(|rule| {
            let run = run_rule(&ctx, rule, &rule.control, &rule.defaults);
            let status = if !run.findings.is_empty() {
                "FAILED"
            } else if run.passed > 0 {
                "PASSED"
            } else {
                "NOT_APPLICABLE"
            };
            (rule.id.as_str(), status)
        })
        .collect()
}

fn evaluations(snap: &Snapshot, id: &str) -> Vec<Evaluation> {
    let rule = kensa_rules::find_rule(id).unwrap_or_else(|| panic!("no rule {id}"));
    rule.evaluate(&Context::new(snap), &rule.defaults)
}

fn outcome_of(snap: &Snapshot, rule: &str, resource: &str) -> Outcome {
    evaluations(snap, rule)
        .into_iter()
        .find(|e| e.resource.id == resource)
        .unwrap_or_else(|| panic!("{rule} did not evaluate {resource}"))
        .outcome
}

/// Storage, compute and settings controls with the outcome the environment makes.
const FAILING: &[&str] = &[
    "fsbp:EC2.1",
    "aws-config:ebs-snapshot-public-restorable-check",
    "fsbp:EC2.3",
    "aws-config:encrypted-volumes",
    "fsbp:EC2.7",
    "aws-config:ec2-ebs-encryption-by-default",
    "fsbp:EC2.25",
    "fsbp:EC2.170",
    "fsbp:EC2.6",
    "aws-config:vpc-flow-logs-enabled",
];

/// Settings calls, the file each writes, and the controls that need it. moto 5.1
/// implements none of them (each is a warning in the manifest); should it learn one,
/// the file must be there and its controls evaluated from it.
const SETTINGS: &[(&str, &str, &[&str])] = &[
    ("ec2:GetEbsDefaultKmsKeyId", "EbsDefaultKmsKeyId", &[]),
    (
        "ec2:GetSerialConsoleAccessStatus",
        "SerialConsoleAccessStatus",
        &[],
    ),
    (
        "ec2:GetSnapshotBlockPublicAccessState",
        "SnapshotBlockPublicAccessState",
        &["fsbp:EC2.182"],
    ),
    (
        "ec2:GetImageBlockPublicAccessState",
        "ImageBlockPublicAccessState",
        &[],
    ),
    (
        "ec2:DescribeVpcBlockPublicAccessOptions",
        "VpcBlockPublicAccessOptions",
        &["fsbp:EC2.172"],
    ),
];

fn check_settings_calls(out: &Path, manifest: &Manifest, got: &BTreeMap<&str, &str>) {
    let region = out
        .join("aws_configs")
        .join(kensa_aws::testing::TEST_REGION);
    for (api, file, controls) in SETTINGS {
        let warned = manifest.warnings.iter().any(|w| w.api == *api);
        let written = region.join(format!("{file}.json")).is_file();
        // A failed call is a warning in the manifest; an answer is a file.
        assert!(
            warned != written,
            "{api}: warned {warned}, written {written}"
        );
        for c in *controls {
            let evaluated = got[c] != "NOT_APPLICABLE";
            assert_eq!(evaluated, written, "{c} after {api}");
        }
    }
}

fn plan_ids(snap: &Snapshot, controls: &[&str]) -> Vec<(String, String)> {
    let plan = snapshot::plan(snap, &Extras::default(), controls, Mode::Revoke);
    plan.actions
        .into_iter()
        .map(|a| (a.controls.join(","), a.resource_id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collected_storage_compute_and_settings_controls_are_evaluated() {
    let moto = moto_or_skip!();
    let env = env::build(&moto).await;
    let compute = env::build_compute(&env).await;
    let out = tempfile::tempdir().unwrap();
    let manifest = collect_into(&moto, out.path()).await;
    let snap = snapshot::load(out.path());
    assert!(snap.warnings.is_empty(), "{:#?}", snap.warnings);
    assert!(!out.path().join("settings").exists(), "all in aws_configs/");
    let got = statuses(&snap);
    for (id, status) in &got {
        eprintln!("{status:>14}  {id}");
    }
    for id in FAILING {
        assert_eq!(got[id], "FAILED", "{id}");
    }
    check_settings_calls(out.path(), &manifest, &got);

    // The compliant resources beside the failing ones are evaluated too.
    assert_eq!(
        outcome_of(&snap, "fsbp:EC2.1", &env.snapshot),
        Outcome::NonCompliant
    );
    assert_eq!(
        outcome_of(&snap, "fsbp:EC2.1", &compute.private_snapshot),
        Outcome::Compliant
    );
    for rule in ["fsbp:EC2.25", "fsbp:EC2.170"] {
        let open = outcome_of(&snap, rule, &compute.open_template);
        assert_eq!(open, Outcome::NonCompliant, "{rule}");
        let closed = outcome_of(&snap, rule, &compute.closed_template);
        assert_eq!(closed, Outcome::Compliant, "{rule}");
    }
    assert_eq!(
        outcome_of(&snap, "fsbp:EC2.6", &env.vpc),
        Outcome::Compliant
    );
    assert!(snap.images[&env.image].is_public());

    // The planner takes the same facts from the snapshot.
    let planned = plan_ids(&snap, &["EC2.1", "EC2.7", "AMI.PUBLIC"]);
    let has = |c: &str, id: &str| planned.iter().any(|(pc, pid)| pc == c && pid == id);
    assert!(has("EC2.1", &env.snapshot), "{planned:?}");
    assert!(has("AMI.PUBLIC", &env.image), "{planned:?}");
    assert!(planned.iter().any(|(c, _)| c == "EC2.7"), "{planned:?}");
    assert!(!planned
        .iter()
        .any(|(_, id)| *id == compute.private_snapshot));

    // Fixed in moto and collected again: the same controls pass.
    env.ec2
        .enable_ebs_encryption_by_default()
        .send()
        .await
        .expect("enable EBS encryption by default");
    env.ec2
        .modify_snapshot_attribute()
        .snapshot_id(&env.snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(OperationType::Remove)
        .group_names("all")
        .send()
        .await
        .expect("make snapshot private");
    let again = tempfile::tempdir().unwrap();
    collect_into(&moto, again.path()).await;
    let snap = snapshot::load(again.path());
    let got = statuses(&snap);
    for id in [
        "fsbp:EC2.1",
        "aws-config:ebs-snapshot-public-restorable-check",
        "fsbp:EC2.7",
        "aws-config:ec2-ebs-encryption-by-default",
    ] {
        assert_eq!(got[id], "PASSED", "{id}");
    }
    let planned = plan_ids(&snap, &["EC2.1", "EC2.7"]);
    assert!(planned.is_empty(), "{planned:?}");
}
