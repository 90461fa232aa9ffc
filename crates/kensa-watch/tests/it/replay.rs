//! The example snapshot (AWS CLI layout) and CloudTrail delivery file under `testdata/`,
//! replayed as `kensa watch --snapshot testdata/snapshot --events testdata/events` does.
use std::path::Path;

use kensa_report::stream::Record;
use kensa_watch::read::{read_file, replay_order};
use kensa_watch::Watcher;

#[test]
fn example_files_replayed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let snap = kensa_model::Snapshot::load(&root.join("snapshot")).expect("example snapshot");
    let mut w = Watcher::new(snap);
    let file = root
        .join("events")
        .join("111122223333_CloudTrail_us-east-1_20261207T1045Z_example.json");
    let (mut events, errors) = read_file(&file).unwrap();
    assert!(errors.is_empty());
    replay_order(&mut events);
    let lines: Vec<String> = events
        .iter()
        .flat_map(|e| w.process(e))
        .map(|r| r.text_line())
        .collect();
    let path = "igw-0f00f00f -> rtb-0pub1111 -> acl-0def1111 -> subnet-0aaa1111 -> sg-0web11111 -> eni-0web1111";
    assert_eq!(
        lines,
        [
            format!("High `AuthorizeSecurityGroupIngress` by arn:aws:iam::111122223333:user/alice at 10:42:07 opened i-0web1111 tcp/22 to the Internet (path {path})"),
            format!("Informational `RevokeSecurityGroupIngress` by arn:aws:sts::111122223333:assumed-role/ops/bob at 10:51:30 closed i-0web1111 tcp/22 to the Internet (path {path})"),
            "Notice `AttachNetworkInterface` by arn:aws:iam::111122223333:user/alice at 10:55:00: re-describe eni-0new22222: `AttachNetworkInterface` is not applied to the model".to_string(),
        ]
    );
}
