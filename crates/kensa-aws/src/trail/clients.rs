use aws_config::{BehaviorVersion, Region, SdkConfig};

/// The S3, SQS and SNS clients of the CloudTrail sources, built from one SDK
/// configuration. With an endpoint override (moto, LocalStack, a VPC endpoint) S3 uses
/// path-style addressing, because virtual-host names do not resolve there.
#[derive(Clone, Debug)]
pub struct TrailClients {
    /// Reads trail buckets.
    pub s3: aws_sdk_s3::Client,
    /// Receives and deletes queue messages.
    pub sqs: aws_sdk_sqs::Client,
    /// Publishes alerts.
    pub sns: aws_sdk_sns::Client,
}

impl TrailClients {
    /// The three clients from one configuration (path-style S3 behind an endpoint).
    pub fn from_config(config: &SdkConfig) -> TrailClients {
        let s3_config = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(config.endpoint_url().is_some())
            .build();
        TrailClients {
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            sqs: aws_sdk_sqs::Client::new(config),
            sns: aws_sdk_sns::Client::new(config),
        }
    }

    /// The standard credential chain and region (environment, profile, SSO, ...), with
    /// optional overrides from the command line.
    pub async fn load(
        region: Option<&str>,
        profile: Option<&str>,
        endpoint_url: Option<&str>,
    ) -> TrailClients {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(region) = region {
            loader = loader.region(Region::new(region.to_owned()));
        }
        if let Some(profile) = profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = endpoint_url {
            loader = loader.endpoint_url(url);
        }
        TrailClients::from_config(&loader.load().await)
    }
}
