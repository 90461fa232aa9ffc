//! Each kind of change as a [`Remedy`]: how to read its live state, whether the change
//! already holds, what the journal keeps, the write, and the verification. The apply
//! driver runs them all the same way.
use aws_sdk_ec2::Client;

use super::journal::Captured;
use super::live;
use crate::error::{ApiError, AwsError};

pub(crate) use super::sg_remedy::GroupRules;

/// One kind of change, as the apply driver sees it.
pub(crate) trait Remedy {
    /// The live state the change is decided and verified on.
    type State;
    async fn read(&self, ec2: &Client) -> Result<Self::State, AwsError>;
    /// What is left to do (the dry run's messages), or `None` when the change holds.
    /// Messages about the plan being stale go to `messages`.
    fn pending(&self, state: &Self::State, messages: &mut Vec<String>) -> Option<Vec<String>>;
    /// The original state, for the journal and rollback.
    fn captured(&self, state: &Self::State) -> Captured;
    async fn write(&self, ec2: &Client, before: &Self::State) -> Result<(), AwsError>;
    /// The change holds in `state` (read after the write).
    fn verify(&self, state: &Self::State, messages: &mut Vec<String>) -> bool;
    /// Verification of an action found already applied (`None`: nothing more to say).
    fn verify_unchanged(&self, _state: &Self::State, _messages: &mut Vec<String>) -> Option<bool> {
        None
    }
}

/// An error from one call, named so the report says which.
pub(crate) fn call(op: &str) -> impl Fn(ApiError) -> AwsError + '_ {
    move |e| AwsError::api(op, e)
}

fn public(groups: &[String]) -> bool {
    groups.iter().any(|g| g == "all")
}

pub(crate) struct EbsDefault;

impl Remedy for EbsDefault {
    type State = bool;
    async fn read(&self, ec2: &Client) -> Result<bool, AwsError> {
        live::ebs_encryption_by_default(ec2)
            .await
            .map_err(call("ec2:GetEbsEncryptionByDefault"))
    }
    fn pending(&self, on: &bool, _: &mut Vec<String>) -> Option<Vec<String>> {
        (!on).then(Vec::new)
    }
    fn captured(&self, on: &bool) -> Captured {
        Captured::EbsEncryptionByDefault { enabled: *on }
    }
    async fn write(&self, ec2: &Client, _: &bool) -> Result<(), AwsError> {
        live::set_ebs_encryption_by_default(ec2, true)
            .await
            .map_err(call("ec2:EnableEbsEncryptionByDefault"))
    }
    fn verify(&self, on: &bool, _: &mut Vec<String>) -> bool {
        *on
    }
}

pub(crate) struct SnapshotPrivate<'a>(pub &'a str);

impl Remedy for SnapshotPrivate<'_> {
    type State = Vec<String>;
    async fn read(&self, ec2: &Client) -> Result<Vec<String>, AwsError> {
        live::snapshot_groups(ec2, self.0)
            .await
            .map_err(call("ec2:DescribeSnapshotAttribute"))
    }
    fn pending(&self, groups: &Vec<String>, _: &mut Vec<String>) -> Option<Vec<String>> {
        public(groups).then(Vec::new)
    }
    fn captured(&self, groups: &Vec<String>) -> Captured {
        Captured::SnapshotPermissions {
            groups: groups.clone(),
        }
    }
    async fn write(&self, ec2: &Client, _: &Vec<String>) -> Result<(), AwsError> {
        live::set_snapshot_public(ec2, self.0, false)
            .await
            .map_err(call("ec2:ModifySnapshotAttribute"))
    }
    fn verify(&self, groups: &Vec<String>, _: &mut Vec<String>) -> bool {
        !public(groups)
    }
}

pub(crate) struct ImagePrivate<'a>(pub &'a str);

impl Remedy for ImagePrivate<'_> {
    type State = Vec<String>;
    async fn read(&self, ec2: &Client) -> Result<Vec<String>, AwsError> {
        live::image_groups(ec2, self.0)
            .await
            .map_err(call("ec2:DescribeImageAttribute"))
    }
    fn pending(&self, groups: &Vec<String>, _: &mut Vec<String>) -> Option<Vec<String>> {
        public(groups).then(Vec::new)
    }
    fn captured(&self, groups: &Vec<String>) -> Captured {
        Captured::ImagePermissions {
            groups: groups.clone(),
        }
    }
    async fn write(&self, ec2: &Client, _: &Vec<String>) -> Result<(), AwsError> {
        live::set_image_public(ec2, self.0, false)
            .await
            .map_err(call("ec2:ModifyImageAttribute"))
    }
    fn verify(&self, groups: &Vec<String>, _: &mut Vec<String>) -> bool {
        !public(groups)
    }
}

/// Requires IMDSv2 by setting `HttpTokens` only; `HttpEndpoint` is never sent.
pub(crate) struct Imdsv2<'a>(pub &'a str);

impl Remedy for Imdsv2<'_> {
    /// `HttpTokens` as the instance reports it.
    type State = String;
    async fn read(&self, ec2: &Client) -> Result<String, AwsError> {
        live::http_tokens(ec2, self.0)
            .await
            .map_err(call("ec2:DescribeInstances"))
    }
    fn pending(&self, tokens: &String, _: &mut Vec<String>) -> Option<Vec<String>> {
        (tokens != "required").then(Vec::new)
    }
    fn captured(&self, tokens: &String) -> Captured {
        Captured::InstanceMetadata {
            http_tokens: tokens.clone(),
        }
    }
    async fn write(&self, ec2: &Client, _: &String) -> Result<(), AwsError> {
        live::set_http_tokens(ec2, self.0, "required")
            .await
            .map_err(call("ec2:ModifyInstanceMetadataOptions"))
    }
    fn verify(&self, tokens: &String, _: &mut Vec<String>) -> bool {
        tokens == "required"
    }
}
