//! `collect` against moto: the files, their shape, the manifest.
use std::path::Path;

use kensa_aws::collect::{collect, CollectOptions, Extras};
use kensa_aws::testing::TEST_REGION;
use serde_json::Value;

use crate::{env, moto_or_skip};

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub async fn collect_into(
    moto: &kensa_aws::testing::MotoServer,
    out: &Path,
) -> kensa_aws::collect::Manifest {
    let opts = CollectOptions::quiet(out);
    collect(&moto.target(&[TEST_REGION]), &opts)
        .await
        .expect("collect")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_writes_the_aws_cli_layout_and_shape() {
    let moto = moto_or_skip!();
    let env = env::build(&moto).await;
    let out = tempfile::tempdir().unwrap();
    let manifest = collect_into(&moto, out.path()).await;

    assert_eq!(manifest.layout, "single-account");
    assert_eq!(
        manifest.accounts[0].account_id,
        kensa_aws::testing::MOTO_ACCOUNT
    );
    for w in &manifest.warnings {
        eprintln!(
            "collect warning: {} {} {:?} {}",
            w.region, w.api, w.code, w.message
        );
    }
    let region = out.path().join("aws_configs").join(TEST_REGION);
    for key in [
        "Vpcs",
        "Subnets",
        "RouteTables",
        "NetworkAcls",
        "SecurityGroups",
        "SecurityGroupRules",
        "NetworkInterfaces",
        "Reservations",
        "InternetGateways",
    ] {
        let file = region.join(format!("{key}.json"));
        let v = read(&file);
        assert!(
            v.get(key).and_then(Value::as_array).is_some(),
            "{key}.json has no {key} list"
        );
        // The CLI omits absent fields; it never prints null.
        assert!(!v.to_string().contains("null"), "{key}.json holds a null");
    }
    let groups = read(&region.join("SecurityGroups.json"));
    let web = groups["SecurityGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["GroupId"] == env.web.as_str())
        .expect("web group collected");
    assert_eq!(web["VpcId"], env.vpc.as_str());
    let perms = web["IpPermissions"].as_array().unwrap();
    let all_tcp = perms
        .iter()
        .find(|p| p["FromPort"] == 0 && p["ToPort"] == 65535)
        .expect("tcp 0-65535");
    assert_eq!(all_tcp["IpRanges"].as_array().unwrap().len(), 2);
    assert!(all_tcp.get("IpRanges").unwrap()[0].get("CidrIp").is_some());

    let reservations = read(&region.join("Reservations.json"));
    let inst = &reservations["Reservations"][0]["Instances"][0];
    assert_eq!(inst["InstanceId"], env.instance.as_str());
    assert!(inst["MetadataOptions"].get("HttpTokens").is_some());

    let snap = crate::snapshot::load(out.path());
    assert!(
        snap.warnings.is_empty(),
        "the collected snapshot loads with warnings: {:#?}",
        snap.warnings
    );
    assert!(snap.security_groups.contains_key(&env.web));
    assert!(snap.instances.contains_key(&env.instance));
    assert_eq!(snap.security_groups[&env.web].scope.region, TEST_REGION);

    // Account settings and public resources are in the snapshot, for the controls and
    // the planner alike.
    let extras = Extras::from_snapshot(&snap);
    let (account, region) = (kensa_aws::testing::MOTO_ACCOUNT, TEST_REGION);
    let x = &extras.regions[&(account.to_owned(), region.to_owned())];
    assert_eq!(x.ebs_encryption_by_default, Some(false));
    assert!(x.public_images.contains(&env.image), "{x:?}");
    assert!(x.public_snapshots.contains(&env.snapshot), "{x:?}");
    assert_eq!(
        Extras::load(out.path()).unwrap(),
        Extras::default(),
        "no settings/ any more"
    );

    let manifest_file = read(&out.path().join("manifest.json"));
    assert!(manifest_file["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "aws_configs/us-east-1/SecurityGroups.json"));
}
