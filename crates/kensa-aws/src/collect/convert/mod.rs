//! SDK types to kensa-model types, field by field, so that the model serialises them in
//! exactly the AWS CLI's JSON shape. Only the fields the model knows are carried.
mod compute;
mod direct_connect;
mod ec2;
mod elb;
mod gateway;
mod instance;
mod settings;
mod transit;

pub use compute::*;
pub use direct_connect::*;
pub use ec2::*;
pub use elb::*;
pub use gateway::*;
pub use instance::*;
pub use settings::*;
pub use transit::*;

use aws_sdk_ec2::types as sdk;
use kensa_model::ec2::Tag;

/// `Option<&str>` to `Option<String>`.
pub(crate) fn own(s: Option<&str>) -> Option<String> {
    s.map(str::to_owned)
}

/// An SDK enum (anything with `as_str`) to its wire string.
pub(crate) fn wire<T: AsRef<str>>(v: Option<&T>) -> Option<String> {
    v.map(|v| v.as_ref().to_owned())
}

pub(crate) fn strings(v: &[String]) -> Vec<String> {
    v.to_vec()
}

pub(crate) fn tags(tags: &[sdk::Tag]) -> Vec<Tag> {
    tags.iter()
        .map(|t| Tag {
            key: t.key().unwrap_or_default().to_owned(),
            value: t.value().unwrap_or_default().to_owned(),
        })
        .collect()
}
