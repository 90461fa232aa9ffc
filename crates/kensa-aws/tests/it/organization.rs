//! `--organization` against moto: accounts discovered through AWS Organizations, each
//! member reached by assuming the organization's role, the management account with the
//! caller's own credentials; every account's own resources land in its own directory.
use kensa_aws::collect::{collect, policy::collector_policy, CollectOptions};
use kensa_aws::session::{in_region, Organization, Target};
use kensa_aws::testing::{MotoServer, MOTO_ACCOUNT, TEST_REGION};

use crate::moto_or_skip;

/// Creates the organization and `n` member accounts; returns the members' ids.
async fn organization_with_members(moto: &MotoServer, n: usize) -> Vec<String> {
    let config = moto.sdk_config(TEST_REGION).await;
    let orgs = aws_sdk_organizations::Client::new(&config);
    orgs.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .expect("create organization");
    let mut members = Vec::new();
    for i in 0..n {
        let status = orgs
            .create_account()
            .account_name(format!("member-{i}"))
            .email(format!("member-{i}@example.com"))
            .send()
            .await
            .expect("create account")
            .create_account_status
            .expect("status");
        members.push(status.account_id.expect("account id"));
    }
    members.sort();
    members
}

/// A VPC with a distinctive CIDR in `account`, created through the organization role.
async fn vpc_in(moto: &MotoServer, account: &str, cidr: &str) -> String {
    let role = Organization::default().role_arn("aws", account);
    let target = Target {
        role_arns: vec![role],
        ..moto.target(&[TEST_REGION])
    };
    let sessions = target.accounts().await.expect("assume the member role");
    assert_eq!(
        sessions[0].account_id, account,
        "moto maps the role to its account"
    );
    let ec2 = aws_sdk_ec2::Client::new(&in_region(&sessions[0].config, TEST_REGION));
    let vpc = ec2
        .create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .expect("create vpc");
    vpc.vpc.and_then(|v| v.vpc_id).expect("vpc id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_accounts_are_discovered_and_collected_through_the_role() {
    let moto = moto_or_skip!();
    let members = organization_with_members(&moto, 3).await;
    let mut own_vpcs = Vec::new();
    for (i, account) in members.iter().enumerate() {
        own_vpcs.push(vpc_in(&moto, account, &format!("10.{}.0.0/16", 100 + i)).await);
    }
    let target = Target {
        organization: Some(Organization::default()),
        external_id: Some("kensa-test-external-id".into()),
        ..moto.target(&[TEST_REGION])
    };
    let out = tempfile::tempdir().unwrap();
    let manifest = collect(&target, &CollectOptions::quiet(out.path()))
        .await
        .expect("collect the organization");

    assert_eq!(manifest.layout, "multi-account");
    let mut expected: Vec<String> = members.clone();
    expected.push(MOTO_ACCOUNT.to_owned());
    expected.sort();
    let got: Vec<&str> = manifest
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(got, expected.iter().map(String::as_str).collect::<Vec<_>>());
    for a in &manifest.accounts {
        let expected_role = (a.account_id != MOTO_ACCOUNT).then(|| {
            format!(
                "arn:aws:iam::{}:role/OrganizationAccountAccessRole",
                a.account_id
            )
        });
        assert_eq!(a.role_arn, expected_role, "{}", a.account_id);
    }
    for (account, vpc) in members.iter().zip(&own_vpcs) {
        let file = out.path().join(format!(
            "aws_configs/accounts/{account}/{TEST_REGION}/Vpcs.json"
        ));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        assert!(
            text.contains(vpc.as_str()),
            "{account} lacks its own VPC {vpc}"
        );
        for other in own_vpcs.iter().filter(|v| *v != vpc) {
            assert!(
                !text.contains(other.as_str()),
                "{account} holds another account's VPC"
            );
        }
    }
    // The policy printed for the organization allows what the run just did.
    let policy = collector_policy(Some(&Organization::default())).to_string();
    assert!(policy.contains("organizations:ListAccounts"));
    assert!(policy.contains("arn:*:iam::*:role/OrganizationAccountAccessRole"));
}
