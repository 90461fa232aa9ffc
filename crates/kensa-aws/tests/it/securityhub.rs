//! Findings imported into Security Hub on moto with `BatchImportFindings` land with their
//! fields (read back with `GetFindings`); one sent again as resolved is ARCHIVED. A
//! document the SDK types cannot carry is refused alone; a failing endpoint costs two
//! SDK attempts per call and is retryable.
use aws_sdk_securityhub::types::{RecordState, SeverityLabel, WorkflowStatus};
use kensa_aws::securityhub::{
    batch_import, securityhub_client_from, to_sdk, SecurityHubClient, MAX_BATCH,
    SECURITYHUB_SDK_ATTEMPTS,
};
use kensa_aws::testing::{MOTO_ACCOUNT, TEST_REGION};
use serde_json::{json, Value};

/// A document shaped as kensa-report writes ASFF (every field it can write).
fn doc(n: usize, resolved: bool) -> Value {
    let (state, workflow) = if resolved {
        ("ARCHIVED", "RESOLVED")
    } else {
        ("ACTIVE", "NEW")
    };
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("{TEST_REGION}/{MOTO_ACCOUNT}/kensa/finding-{n}"),
        "ProductArn": format!("arn:aws:securityhub:{TEST_REGION}:{MOTO_ACCOUNT}:product/{MOTO_ACCOUNT}/default"),
        "ProductName": "kensa",
        "CompanyName": "kensa",
        "GeneratorId": "kensa/EC2.19",
        "AwsAccountId": MOTO_ACCOUNT,
        "Types": ["Software and Configuration Checks/AWS Security Best Practices"],
        "CreatedAt": "2026-12-07T10:00:00.000Z",
        "UpdatedAt": if resolved { "2026-12-07T11:00:00.000Z" } else { "2026-12-07T10:00:00.000Z" },
        "Severity": {"Label": "HIGH", "Original": "HIGH"},
        "Title": format!("Security group sg-{n} allows SSH from the Internet"),
        "Description": "Port 22 is open to 0.0.0.0/0.",
        "Resources": [{"Type": "AwsEc2SecurityGroup", "Id": format!("arn:aws:ec2:{TEST_REGION}:{MOTO_ACCOUNT}:security-group/sg-{n}"),
            "Partition": "aws", "Region": TEST_REGION, "Tags": {"team": "platform"}}],
        "ProductFields": {"kensa/RuleId": "EC2.19", "kensa/Package": "config"},
        "UserDefinedFields": {"owner": "alice"},
        "RecordState": state,
        "Workflow": {"Status": workflow},
        "FindingProviderFields": {"Severity": {"Label": "HIGH", "Original": "HIGH"},
            "Types": ["Software and Configuration Checks/AWS Security Best Practices"]},
        "Remediation": {"Recommendation": {"Text": "Restrict port 22.", "Url": "https://docs.aws.amazon.com/securityhub/"}},
        "Compliance": {"Status": "FAILED", "RelatedRequirements": ["fsbp/EC2.19"], "SecurityControlId": "EC2.19"},
    })
}

async fn client_at(endpoint: &str) -> SecurityHubClient {
    let target = kensa_aws::session::Target {
        endpoint_url: Some(endpoint.to_string()),
        static_credentials: Some(("testing".into(), "testing".into())),
        ..Default::default()
    };
    securityhub_client_from(&target.base_config(Some(TEST_REGION)).await)
}

async fn all_findings(
    client: &SecurityHubClient,
) -> Vec<aws_sdk_securityhub::types::AwsSecurityFinding> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .get_findings()
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        out.extend(page.findings().iter().cloned());
        token = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            return out;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_findings_land_with_their_fields_and_a_resolved_one_is_archived() {
    let moto = crate::moto_or_skip!();
    let client = client_at(&moto.endpoint()).await;
    client.enable_security_hub().send().await.unwrap();
    let docs: Vec<Value> = (0..MAX_BATCH).map(|n| doc(n, false)).collect();
    let failed = batch_import(&client, &docs).await.unwrap();
    assert!(failed.is_empty(), "{failed:?}");

    let found = all_findings(&client).await;
    assert_eq!(found.len(), MAX_BATCH);
    let f = found
        .iter()
        .find(|f| f.id() == Some(docs[7]["Id"].as_str().unwrap()))
        .unwrap();
    assert_eq!(f.product_arn(), docs[7]["ProductArn"].as_str());
    assert_eq!(f.aws_account_id(), Some(MOTO_ACCOUNT));
    assert_eq!(f.generator_id(), Some("kensa/EC2.19"));
    assert_eq!(
        f.title(),
        Some("Security group sg-7 allows SSH from the Internet")
    );
    assert_eq!(
        f.severity().and_then(|s| s.label()),
        Some(&SeverityLabel::High)
    );
    assert_eq!(f.record_state(), Some(&RecordState::Active));
    assert_eq!(
        f.workflow().and_then(|w| w.status()),
        Some(&WorkflowStatus::New)
    );
    let resource = &f.resources()[0];
    assert_eq!(resource.r#type(), Some("AwsEc2SecurityGroup"));
    assert!(resource.id().unwrap().ends_with("security-group/sg-7"));
    assert_eq!(resource.tags().unwrap()["team"], "platform");
    assert_eq!(f.product_fields().unwrap()["kensa/RuleId"], "EC2.19");
    assert_eq!(f.user_defined_fields().unwrap()["owner"], "alice");
    assert_eq!(
        f.compliance().unwrap().security_control_id(),
        Some("EC2.19")
    );
    assert_eq!(
        f.remediation()
            .and_then(|r| r.recommendation())
            .and_then(|r| r.text()),
        Some("Restrict port 22.")
    );

    // Resolved: the same Id again, archived, later UpdatedAt.
    let failed = batch_import(&client, &[doc(7, true)]).await.unwrap();
    assert!(failed.is_empty(), "{failed:?}");
    let found = all_findings(&client).await;
    assert_eq!(found.len(), MAX_BATCH, "an update, not a new finding");
    let f = found
        .iter()
        .find(|f| f.id() == Some(docs[7]["Id"].as_str().unwrap()))
        .unwrap();
    assert_eq!(f.record_state(), Some(&RecordState::Archived));
    assert_eq!(
        f.workflow().and_then(|w| w.status()),
        Some(&WorkflowStatus::Resolved)
    );
    assert_eq!(f.updated_at(), Some("2026-12-07T11:00:00.000Z"));
    let active = found
        .iter()
        .filter(|f| f.record_state() == Some(&RecordState::Active))
        .count();
    assert_eq!(active, MAX_BATCH - 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_the_sdk_cannot_carry_is_refused_alone_with_the_field_named() {
    let moto = crate::moto_or_skip!();
    let client = client_at(&moto.endpoint()).await;
    let mut odd = doc(1, false);
    odd["Note"] = json!("not ASFF");
    let mut bad_title = doc(2, false);
    bad_title["Title"] = json!(42);
    let failed = batch_import(&client, &[doc(0, false), odd.clone(), bad_title])
        .await
        .unwrap();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed[0].message.contains("`Note`"), "{failed:?}");
    assert!(failed[1].message.contains("`Title`"), "{failed:?}");
    assert!(failed
        .iter()
        .all(|f| !f.retryable && f.code == "InvalidInput"));
    assert_eq!(all_findings(&client).await.len(), 1);
    assert!(to_sdk(&json!([1])).is_err());

    let too_many: Vec<Value> = (0..=MAX_BATCH).map(|n| doc(n, false)).collect();
    let err = batch_import(&client, &too_many).await.unwrap_err();
    assert!(
        !err.retryable && err.message.contains("at most 100"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_endpoint_costs_two_sdk_attempts_and_is_retryable() {
    let stub = kensa_aws::testing::http_stub::HttpStub::start(
        503,
        r#"{"__type":"InternalException","message":"down"}"#,
    );
    let client = client_at(&stub.endpoint()).await;
    let err = batch_import(&client, &[doc(0, false)]).await.unwrap_err();
    assert!(err.retryable, "{err:?}");
    let requests = stub.requests();
    assert_eq!(
        requests.len(),
        SECURITYHUB_SDK_ATTEMPTS as usize,
        "{requests:?}"
    );
    assert!(requests.iter().all(|r| r.method == "POST"));

    let down = client_at("http://127.0.0.1:9").await;
    let err = batch_import(&down, &[doc(0, false)]).await.unwrap_err();
    assert!(err.retryable, "{err:?}");
    assert!(err.to_string().contains(TEST_REGION), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_error_is_permanent() {
    let stub = kensa_aws::testing::http_stub::HttpStub::start(
        403,
        r#"{"__type":"InvalidAccessException","message":"Account is not subscribed to AWS Security Hub"}"#,
    );
    let client = client_at(&stub.endpoint()).await;
    let err = batch_import(&client, &[doc(0, false)]).await.unwrap_err();
    assert!(!err.retryable, "{err:?}");
    assert!(err.message.contains("not subscribed"), "{err}");
    assert_eq!(
        stub.requests().len(),
        1,
        "no SDK retry of a permanent error"
    );
}
