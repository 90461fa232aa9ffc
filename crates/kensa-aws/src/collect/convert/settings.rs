//! The per-region `get-*` settings as the one object the CLI prints for each, with the
//! top-level key the snapshot loader recognises. A missing value stays `null` (the
//! writer drops the document then).
use aws_sdk_ec2::operation::describe_vpc_block_public_access_options::DescribeVpcBlockPublicAccessOptionsOutput as VpcBpa;
use aws_sdk_ec2::operation::get_ebs_default_kms_key_id::GetEbsDefaultKmsKeyIdOutput as KmsKey;
use aws_sdk_ec2::operation::get_ebs_encryption_by_default::GetEbsEncryptionByDefaultOutput as EbsDefault;
use aws_sdk_ec2::operation::get_image_block_public_access_state::GetImageBlockPublicAccessStateOutput as ImageBpa;
use aws_sdk_ec2::operation::get_serial_console_access_status::GetSerialConsoleAccessStatusOutput as SerialConsole;
use aws_sdk_ec2::operation::get_snapshot_block_public_access_state::GetSnapshotBlockPublicAccessStateOutput as SnapshotBpa;
use kensa_model::account as a;
use serde_json::{json, Value};

use super::{own, wire};

/// `get-ebs-encryption-by-default`.
pub fn ebs_encryption_doc(o: &EbsDefault) -> Value {
    json!({ "EbsEncryptionByDefault": o.ebs_encryption_by_default() })
}

/// `get-ebs-default-kms-key-id`.
pub fn ebs_kms_key_doc(o: &KmsKey) -> Value {
    json!({ "KmsKeyId": o.kms_key_id() })
}

/// `get-serial-console-access-status` (its `ManagedBy` is left out).
pub fn serial_console_doc(o: &SerialConsole) -> Value {
    json!({ "SerialConsoleAccessEnabled": o.serial_console_access_enabled() })
}

/// `get-snapshot-block-public-access-state`: only `State`, as the loader recognises a
/// bare `{"State": ...}` document by its one key.
pub fn snapshot_bpa_doc(o: &SnapshotBpa) -> Value {
    json!({ "State": wire(o.state()) })
}

/// `get-image-block-public-access-state` (its `ManagedBy` is left out).
pub fn image_bpa_doc(o: &ImageBpa) -> Value {
    json!({ "ImageBlockPublicAccessState": o.image_block_public_access_state() })
}

/// `describe-vpc-block-public-access-options`.
pub fn vpc_bpa_doc(o: &VpcBpa) -> Value {
    let opts = o
        .vpc_block_public_access_options()
        .map(|o| a::VpcBlockPublicAccessOptions {
            aws_account_id: own(o.aws_account_id()),
            aws_region: own(o.aws_region()),
            state: wire(o.state()),
            internet_gateway_block_mode: wire(o.internet_gateway_block_mode()),
            exclusions_allowed: wire(o.exclusions_allowed()),
        });
    json!({ "VpcBlockPublicAccessOptions": opts })
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        InternetGatewayBlockMode, SnapshotBlockPublicAccessState, VpcBlockPublicAccessOptions,
    };
    use kensa_model::{Document, Scope, Snapshot};
    use kensa_rules::{Context, Outcome};

    use super::*;

    fn load(docs: &[Value]) -> Snapshot {
        let scope = Scope {
            account: "111122223333".into(),
            region: "eu-west-1".into(),
        };
        let docs = docs.iter().enumerate().map(|(i, d)| {
            let mut d = d.clone();
            crate::collect::write::strip_nulls(&mut d);
            Document::owned(
                format!("doc{i}.json"),
                scope.clone(),
                d.to_string().into_bytes(),
            )
        });
        Snapshot::from_documents(docs)
    }

    fn outcome(snap: &Snapshot, rule: &str) -> Outcome {
        let rule = kensa_rules::find_rule(rule).unwrap();
        let evals = rule.evaluate(&Context::new(snap), &rule.defaults);
        assert_eq!(evals.len(), 1, "{evals:?}");
        evals[0].outcome
    }

    fn settings(snapshot: &str, igw_mode: &str) -> Snapshot {
        let state = SnapshotBlockPublicAccessState::from(snapshot);
        let vpc = VpcBlockPublicAccessOptions::builder()
            .internet_gateway_block_mode(InternetGatewayBlockMode::from(igw_mode))
            .build();
        load(&[
            ebs_encryption_doc(
                &EbsDefault::builder()
                    .ebs_encryption_by_default(true)
                    .build(),
            ),
            ebs_kms_key_doc(&KmsKey::builder().kms_key_id("alias/aws/ebs").build()),
            serial_console_doc(
                &SerialConsole::builder()
                    .serial_console_access_enabled(false)
                    .build(),
            ),
            snapshot_bpa_doc(&SnapshotBpa::builder().state(state).build()),
            image_bpa_doc(
                &ImageBpa::builder()
                    .image_block_public_access_state("block-new-sharing")
                    .build(),
            ),
            vpc_bpa_doc(
                &VpcBpa::builder()
                    .vpc_block_public_access_options(vpc)
                    .build(),
            ),
        ])
    }

    #[test]
    fn every_settings_document_loads_and_the_controls_evaluate_it() {
        let s = settings("unblocked", "off");
        assert!(s.warnings.is_empty(), "{:#?}", s.warnings);
        let r = &s.regional_settings["111122223333/eu-west-1"];
        assert_eq!(r.ebs_encryption_by_default, Some(true));
        assert_eq!(r.ebs_default_kms_key_id.as_deref(), Some("alias/aws/ebs"));
        assert_eq!(r.serial_console_access_enabled, Some(false));
        assert_eq!(
            r.image_block_public_access.as_deref(),
            Some("block-new-sharing")
        );
        assert_eq!(outcome(&s, "fsbp:EC2.7"), Outcome::Compliant);
        assert_eq!(outcome(&s, "fsbp:EC2.182"), Outcome::NonCompliant);
        assert_eq!(outcome(&s, "fsbp:EC2.172"), Outcome::NonCompliant);

        let s = settings("block-all-sharing", "block-bidirectional");
        assert_eq!(outcome(&s, "fsbp:EC2.182"), Outcome::Compliant);
        assert_eq!(outcome(&s, "fsbp:EC2.172"), Outcome::Compliant);
    }

    #[test]
    fn an_answer_without_a_value_is_no_document() {
        let doc = snapshot_bpa_doc(&SnapshotBpa::builder().build());
        assert_eq!(doc, json!({"State": null}));
        assert!(load(&[doc]).regional_settings.is_empty());
    }
}
