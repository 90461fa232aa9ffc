//! `kensa trail watch --s3 s3://bucket/prefix`: finds the CloudTrail partitions under
//! the prefix (single-account `AWSLogs/<account>/CloudTrail/<region>/` and organisation
//! `AWSLogs/<org-id>/<account>/CloudTrail/<region>/` layouts alike), lists objects not
//! yet in the checkpoint, hands each to the handler once and checkpoints it.

use crate::trail::checkpoint::Checkpoint;
use crate::trail::error::{sdk_message, TrailSourceError};
use crate::trail::{Delivery, DeliveryHandler, PassStats};
use std::path::PathBuf;

/// Deepest folder level searched for partitions below the prefix.
const MAX_DEPTH: usize = 8;

/// Where a trail's files are: `s3://bucket/prefix/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    /// The bucket's name.
    pub bucket: String,
    /// Empty, or ending in `/`.
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3://bucket[/prefix]`.
    pub fn parse(url: &str) -> Result<S3Location, TrailSourceError> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| TrailSourceError::BadS3Url(url.to_owned()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(TrailSourceError::BadS3Url(url.to_owned()));
        }
        let mut prefix = prefix.to_owned();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(S3Location {
            bucket: bucket.to_owned(),
            prefix,
        })
    }
}

/// Polls a trail bucket (single-account or organisation layout) for log files not yet
/// handled, in key order per partition, recording each in its checkpoint once handled.
pub struct S3Watcher {
    client: aws_sdk_s3::Client,
    location: S3Location,
    checkpoint_path: PathBuf,
    checkpoint: Checkpoint,
}

/// A folder segment that is a year (`2024`): its parent is a partition.
fn is_year(segment: &str) -> bool {
    segment.len() == 4 && segment.bytes().all(|b| b.is_ascii_digit())
}

/// CloudTrail's digest and Insights folders hold no management events.
fn is_skipped_folder(segment: &str) -> bool {
    segment.starts_with("CloudTrail-")
}

/// CloudTrail log files; anything else (folder markers, digests, notes) is ignored.
fn is_log_file(key: &str) -> bool {
    key.ends_with(".json.gz") || key.ends_with(".json")
}

impl S3Watcher {
    /// A watcher of `location` whose checkpoint lives in the file given (loaded now).
    pub fn new(
        client: aws_sdk_s3::Client,
        location: S3Location,
        checkpoint_path: PathBuf,
    ) -> Result<S3Watcher, TrailSourceError> {
        let checkpoint = Checkpoint::load(&checkpoint_path)?;
        Ok(S3Watcher {
            client,
            location,
            checkpoint_path,
            checkpoint,
        })
    }

    /// What has been handled so far.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    fn s3_error(
        &self,
        op: &'static str,
        key: &str,
        err: impl std::error::Error,
    ) -> TrailSourceError {
        TrailSourceError::S3 {
            op,
            bucket: self.location.bucket.clone(),
            key: key.to_owned(),
            message: sdk_message(&err),
        }
    }

    /// Sub-folders (full prefixes) and object keys directly under `prefix`.
    async fn list_level(
        &self,
        prefix: &str,
    ) -> Result<(Vec<String>, Vec<String>), TrailSourceError> {
        let mut folders = Vec::new();
        let mut keys = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.location.bucket)
            .prefix(prefix)
            .delimiter("/")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.s3_error("ListObjectsV2", prefix, e))?;
            folders.extend(
                page.common_prefixes()
                    .iter()
                    .filter_map(|p| p.prefix().map(str::to_owned)),
            );
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_owned)),
            );
        }
        Ok((folders, keys))
    }

    /// Partition prefixes under the location: folders whose sub-folders are years, or
    /// leaf folders holding files directly.
    pub async fn discover_partitions(&self) -> Result<Vec<String>, TrailSourceError> {
        let mut partitions = Vec::new();
        let mut frontier = vec![(self.location.prefix.clone(), 0usize)];
        while let Some((prefix, depth)) = frontier.pop() {
            let (folders, keys) = self.list_level(&prefix).await?;
            let segment = |f: &String| f[prefix.len()..].trim_end_matches('/').to_owned();
            if folders.iter().any(|f| is_year(&segment(f)))
                || (folders.is_empty() && !keys.is_empty())
            {
                partitions.push(prefix);
                continue;
            }
            if depth < MAX_DEPTH {
                for folder in folders {
                    if !is_skipped_folder(&segment(&folder)) {
                        frontier.push((folder, depth + 1));
                    }
                }
            }
        }
        partitions.sort();
        Ok(partitions)
    }

    /// Keys of a partition that the checkpoint does not have, in key order.
    async fn pending_keys(&self, partition: &str) -> Result<(Vec<String>, u64), TrailSourceError> {
        let id = self.partition_id(partition);
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.location.bucket)
            .prefix(partition)
            .set_start_after(self.checkpoint.start_after(&id, partition))
            .into_paginator()
            .send();
        let mut pending = Vec::new();
        let mut done = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.s3_error("ListObjectsV2", partition, e))?;
            for key in page.contents().iter().filter_map(|o| o.key()) {
                if !is_log_file(key) {
                    continue;
                }
                if self.checkpoint.is_done(&id, partition, key) {
                    done += 1;
                } else {
                    pending.push(key.to_owned());
                }
            }
        }
        Ok((pending, done))
    }

    fn partition_id(&self, partition: &str) -> String {
        format!("s3://{}/{}", self.location.bucket, partition)
    }

    async fn fetch(&self, key: &str) -> Result<Vec<u8>, TrailSourceError> {
        let object = self
            .client
            .get_object()
            .bucket(&self.location.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| self.s3_error("GetObject", key, e))?;
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| self.s3_error("GetObject", key, e))?;
        Ok(body.into_bytes().to_vec())
    }

    /// One pass: every new object is handed to `handler` and checkpointed after it is
    /// accepted. A failing object is reported and retried on the next pass.
    pub async fn poll_once(
        &mut self,
        handler: &mut dyn DeliveryHandler,
    ) -> Result<PassStats, TrailSourceError> {
        let mut stats = PassStats::default();
        for partition in self.discover_partitions().await? {
            let (pending, done) = match self.pending_keys(&partition).await {
                Ok(found) => found,
                Err(e) => {
                    stats.errors.push(e.to_string());
                    continue;
                }
            };
            stats.already_done += done;
            for key in pending {
                let bytes = match self.fetch(&key).await {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        stats.errors.push(e.to_string());
                        continue;
                    }
                };
                let origin = format!("s3://{}/{}", self.location.bucket, key);
                match handler.handle(&Delivery { origin, bytes }) {
                    Ok(()) => {
                        let id = self.partition_id(&partition);
                        self.checkpoint.mark_done(&id, &partition, &key);
                        self.checkpoint.save(&self.checkpoint_path)?;
                        stats.delivered += 1;
                    }
                    Err(e) => stats
                        .errors
                        .push(format!("s3://{}/{key}: {e}", self.location.bucket)),
                }
            }
        }
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_s3_urls() {
        let loc = S3Location::parse("s3://trail/AWSLogs/o-abc").unwrap();
        assert_eq!(
            (loc.bucket.as_str(), loc.prefix.as_str()),
            ("trail", "AWSLogs/o-abc/")
        );
        assert_eq!(S3Location::parse("s3://trail").unwrap().prefix, "");
        assert_eq!(S3Location::parse("s3://trail/").unwrap().prefix, "");
        assert!(S3Location::parse("https://x").is_err());
        assert!(S3Location::parse("s3:///k").is_err());
    }

    #[test]
    fn folder_kinds() {
        assert!(is_year("2023") && !is_year("us-east-1") && !is_year("20230"));
        assert!(is_skipped_folder("CloudTrail-Digest") && !is_skipped_folder("CloudTrail"));
        assert!(is_log_file("a.json.gz") && is_log_file("a.json") && !is_log_file("a/"));
    }
}
