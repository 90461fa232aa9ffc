//! Concurrent collection writes exactly the snapshot serial collection writes, with
//! per-resource fan-out (TGW route tables, target groups, prefix lists) exercised.
use std::collections::BTreeMap;
use std::path::Path;

use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
use kensa_aws::collect::{collect, CollectOptions};
use kensa_aws::testing::{MotoServer, TEST_REGION};

use crate::{env, moto_or_skip};

/// Every file under `root`, relative path -> bytes.
pub fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Transit gateways with several route tables and static routes, target groups and
/// managed prefix lists: the resources collected one call per resource.
async fn fan_out_resources(moto: &MotoServer, vpc: &str) {
    let config = moto.sdk_config(TEST_REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    for t in 0..2 {
        let tgw = ec2
            .create_transit_gateway()
            .description(format!("tgw {t}"))
            .send()
            .await;
        let tgw = tgw
            .unwrap()
            .transit_gateway
            .unwrap()
            .transit_gateway_id
            .unwrap();
        for r in 0..3 {
            let tags = TagSpecification::builder()
                .resource_type(ResourceType::TransitGatewayRouteTable)
                .tags(
                    Tag::builder()
                        .key("Name")
                        .value(format!("rt {t}.{r}"))
                        .build(),
                )
                .build();
            let rt = ec2
                .create_transit_gateway_route_table()
                .transit_gateway_id(&tgw)
                .tag_specifications(tags)
                .send()
                .await
                .unwrap();
            let rt = rt.transit_gateway_route_table.unwrap();
            let rt = rt.transit_gateway_route_table_id.unwrap();
            for n in 0..2 {
                ec2.create_transit_gateway_route()
                    .transit_gateway_route_table_id(&rt)
                    .destination_cidr_block(format!("10.{r}{n}.0.0/16"))
                    .blackhole(true)
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
    for p in 0..3 {
        ec2.create_managed_prefix_list()
            .prefix_list_name(format!("office-{p}"))
            .address_family("IPv4")
            .max_entries(5)
            .entries(
                aws_sdk_ec2::types::AddPrefixListEntry::builder()
                    .cidr(format!("192.0.{p}.0/24"))
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    for g in 0..4 {
        elb.create_target_group()
            .name(format!("tg-{g}"))
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(8080 + g)
            .vpc_id(vpc)
            .send()
            .await
            .unwrap();
    }
}

async fn collect_with(moto: &MotoServer, out: &Path, concurrency: usize) {
    let opts = CollectOptions {
        concurrency,
        ..CollectOptions::quiet(out)
    };
    collect(&moto.target(&[TEST_REGION, "eu-west-1"]), &opts)
        .await
        .expect("collect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_collection_writes_the_serial_snapshot() {
    let moto = moto_or_skip!();
    let env = env::build(&moto).await;
    env::build_compute(&env).await;
    fan_out_resources(&moto, &env.vpc).await;
    let serial = tempfile::tempdir().unwrap();
    let concurrent = tempfile::tempdir().unwrap();
    collect_with(&moto, serial.path(), 1).await;
    collect_with(&moto, concurrent.path(), 64).await;

    let a = files_under(serial.path());
    let b = files_under(concurrent.path());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between serial and concurrent collection"
        );
    }
    // The fan-out really happened: every route table carries its own routes.
    let rts = &a["aws_configs/us-east-1/TransitGatewayRouteTables.json"];
    let rts: serde_json::Value = serde_json::from_slice(rts).unwrap();
    let tables = rts["TransitGatewayRouteTables"].as_array().unwrap();
    let with_routes = tables
        .iter()
        .filter(|t| t["Routes"].as_array().is_some_and(|r| r.len() == 2))
        .count();
    assert_eq!(with_routes, 6, "{rts:#}");
    let tgs: serde_json::Value =
        serde_json::from_slice(&a["aws_configs/us-east-1/TargetGroups.json"]).unwrap();
    assert_eq!(tgs["TargetGroups"].as_array().unwrap().len(), 4);
    let pls: serde_json::Value =
        serde_json::from_slice(&a["aws_configs/us-east-1/ManagedPrefixLists.json"]).unwrap();
    let office = pls["PrefixLists"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["PrefixListName"]
                .as_str()
                .is_some_and(|n| n.starts_with("office-"))
        })
        .filter(|p| p["Entries"].as_array().is_some_and(|e| e.len() == 1))
        .count();
    assert_eq!(office, 3, "{pls:#}");
}
