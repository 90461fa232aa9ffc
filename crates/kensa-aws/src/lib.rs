//! The one kensa crate that talks to AWS: collection, remediation, S3/SQS/SNS.
#![forbid(unsafe_code)]

pub mod trail;
