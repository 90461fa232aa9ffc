//! The collector's snapshot against one written by boto3 (what the AWS CLI prints) for
//! the same moto environment: same model, same findings, same plan.
use std::path::Path;
use std::process::Command;

use kensa_aws::collect::Extras;
use kensa_aws::remediate::Mode;
use kensa_aws::testing::TEST_REGION;
use kensa_model::Snapshot;

use crate::collect::collect_into;
use crate::{env, moto_or_skip, snapshot};

/// Each call's result minus `ResponseMetadata`, as `aws ec2 <call>` prints it.
const DUMP: &str = r#"
import boto3, json, os, sys
endpoint, out = sys.argv[1], sys.argv[2]
ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint,
                   aws_access_key_id="testing", aws_secret_access_key="testing")
calls = {
    "Vpcs": "describe_vpcs", "Subnets": "describe_subnets", "RouteTables": "describe_route_tables",
    "NetworkAcls": "describe_network_acls", "SecurityGroups": "describe_security_groups",
    "SecurityGroupRules": "describe_security_group_rules",
    "NetworkInterfaces": "describe_network_interfaces", "Reservations": "describe_instances",
    "InternetGateways": "describe_internet_gateways", "Addresses": "describe_addresses",
}
compute = {
    "Volumes": ("describe_volumes", {}), "FlowLogs": ("describe_flow_logs", {}),
    "Snapshots": ("describe_snapshots", {"OwnerIds": ["self"]}),
    "Images": ("describe_images", {"Owners": ["self"]}),
    "LaunchTemplates": ("describe_launch_templates", {}),
    "LaunchTemplateVersions": ("describe_launch_template_versions", {"Versions": ["$Default"]}),
}
os.makedirs(out, exist_ok=True)
def dump(name, doc):
    doc.pop("ResponseMetadata", None)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(doc, f, indent=4, default=lambda d: d.isoformat())
def items(call, key, **kw):
    if not ec2.can_paginate(call):
        return getattr(ec2, call)(**kw)[key]
    return [i for page in ec2.get_paginator(call).paginate(**kw) for i in page[key]]
for key, call in calls.items():
    dump(key, {key: items(call, key)})
# moto ignores "self" (AWS does not): keep the account's own, as AWS would list them.
own = lambda l: [x for x in l if x.get("OwnerId") == "123456789012"]
for key, (call, kw) in compute.items():
    listed = items(call, key, **kw)
    dump(key, {key: own(listed) if key in ("Snapshots", "Images") else listed})
# One attribute document per snapshot and image, as `describe-*-attribute` prints it
# (moto's snapshot attribute names a fixed snapshot id: put the one asked for back).
for s in own(items("describe_snapshots", "Snapshots", OwnerIds=["self"])):
    attr = ec2.describe_snapshot_attribute(
        SnapshotId=s["SnapshotId"], Attribute="createVolumePermission")
    attr["SnapshotId"] = s["SnapshotId"]
    dump("attr-" + s["SnapshotId"], attr)
for i in own(items("describe_images", "Images", Owners=["self"])):
    dump("attr-" + i["ImageId"], ec2.describe_image_attribute(
        ImageId=i["ImageId"], Attribute="launchPermission"))
dump("EbsEncryptionByDefault", ec2.get_ebs_encryption_by_default())
"#;

fn boto3_snapshot(python: &Path, endpoint: &str, root: &Path) {
    let region_dir = root.join("aws_configs").join(TEST_REGION);
    let status = Command::new(python)
        .args(["-c", DUMP, endpoint, region_dir.to_str().unwrap()])
        .status()
        .expect("run python");
    assert!(status.success(), "boto3 dump failed");
}

fn plan_actions(snap: &Snapshot) -> Vec<serde_json::Value> {
    let controls = [
        "EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54", "EC2.2", "EC2.8",
    ];
    let plan = snapshot::plan(snap, &Extras::default(), &controls, Mode::Narrow);
    plan.actions
        .iter()
        .map(|a| serde_json::to_value(a).unwrap())
        .collect()
}

/// Storage, compute and settings: the collector merges the attribute calls into the
/// records; the CLI writes them as their own documents, which the loader merges.
fn same_compute(a: &Snapshot, b: &Snapshot) {
    assert!(b.warnings.is_empty(), "{:#?}", b.warnings);
    assert_eq!(a.volumes, b.volumes);
    assert_eq!(a.images, b.images);
    assert_eq!(a.launch_templates, b.launch_templates);
    assert_eq!(a.launch_template_versions, b.launch_template_versions);
    assert_eq!(a.flow_logs, b.flow_logs);
    assert_eq!(a.regional_settings, b.regional_settings);
    // Timestamps differ in form only (the SDK's `Z`, boto3's `+00:00`).
    let no_time = |s: &Snapshot| {
        let mut snaps = s.ebs_snapshots.clone();
        snaps.values_mut().for_each(|s| s.start_time = None);
        snaps
    };
    assert_eq!(no_time(a), no_time(b));
    assert!(a
        .ebs_snapshots
        .values()
        .any(|s| s.is_public() == Some(true)));
    assert!(a.launch_template_versions.len() >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collected_snapshot_matches_the_aws_cli_shaped_one() {
    let moto = moto_or_skip!();
    let Some(python) = moto.python() else {
        eprintln!("notice: no python next to the moto server; CLI-shape comparison skipped");
        return;
    };
    let env = env::build(&moto).await;
    env::build_compute(&env).await;
    let ours = tempfile::tempdir().unwrap();
    collect_into(&moto, ours.path()).await;
    let cli = tempfile::tempdir().unwrap();
    boto3_snapshot(&python, &moto.endpoint(), cli.path());

    let a = snapshot::load(ours.path());
    let b = snapshot::load(cli.path());
    assert!(a.warnings.is_empty(), "{:#?}", a.warnings);
    assert_eq!(a.security_groups, b.security_groups);
    assert_eq!(a.security_group_rules, b.security_group_rules);
    assert_eq!(a.vpcs, b.vpcs);
    assert_eq!(a.subnets, b.subnets);
    assert_eq!(a.route_tables, b.route_tables);
    assert_eq!(a.network_acls, b.network_acls);
    assert_eq!(a.internet_gateways, b.internet_gateways);
    assert_eq!(a.network_interfaces, b.network_interfaces);
    let ids = |s: &Snapshot| s.instances.keys().cloned().collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(
        a.instances[&env.instance].metadata_options,
        b.instances[&env.instance].metadata_options
    );
    same_compute(&a, &b);

    // Same findings: the controls' evaluator over both snapshots, and the same plan.
    for control in ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54"] {
        let rp = kensa_rules::restricted_ports(control).unwrap();
        let fa = kensa_rules::world_open_rules(&a, &rp);
        let fb = kensa_rules::world_open_rules(&b, &rp);
        assert_eq!(fa, fb, "{control}");
        if control == "EC2.13" {
            assert!(
                fa.iter().any(|r| r.group_id == env.web),
                "the seeded all-tcp rule is found"
            );
            assert!(fa.iter().any(|r| r.group_id == env.admin));
        }
    }
    assert_eq!(plan_actions(&a), plan_actions(&b));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_fixes_exactly_what_the_controls_report() {
    let moto = moto_or_skip!();
    env::build(&moto).await;
    let out = tempfile::tempdir().unwrap();
    collect_into(&moto, out.path()).await;
    let snap = snapshot::load(out.path());
    let port_controls = ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54"];
    for mode in [Mode::Revoke, Mode::Narrow] {
        let plan = snapshot::plan(&snap, &Extras::default(), &port_controls, mode);
        let mut planned: Vec<String> = plan
            .actions
            .iter()
            .flat_map(|a| match &a.change {
                kensa_aws::remediate::Change::SecurityGroupRules { remove, .. } => remove
                    .iter()
                    .filter_map(|r| r.rule_id.clone())
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect();
        planned.sort();
        let mut reported: Vec<String> = port_controls
            .iter()
            .flat_map(|c| {
                let rp = kensa_rules::restricted_ports(c).unwrap();
                kensa_rules::world_open_rules(&snap, &rp)
            })
            .filter_map(|r| r.rule_id)
            .collect();
        reported.sort();
        reported.dedup();
        assert!(!reported.is_empty());
        assert_eq!(planned, reported, "{mode:?}");
    }
}
