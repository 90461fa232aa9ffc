//! How kensa reaches AWS: a profile, the regions, optional roles to assume (one account
//! each), and an optional endpoint override (moto in tests; `AWS_ENDPOINT_URL` works too,
//! read by the SDK itself).
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_ec2::config::{Credentials, Region};

use crate::error::{ApiError, AwsError};

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// A named profile from `~/.aws/config`; the default chain when `None`.
    pub profile: Option<String>,
    /// Regions to look at; when empty and not `all_regions`, the profile's region.
    pub regions: Vec<String>,
    /// Every region enabled for the account (`DescribeRegions`).
    pub all_regions: bool,
    /// Roles to assume, one account each. Empty: the caller's own account.
    pub role_arns: Vec<String>,
    /// Endpoint override (tests).
    pub endpoint_url: Option<String>,
    /// Static credentials (tests); the default provider chain when `None`.
    pub static_credentials: Option<(String, String)>,
}

/// One account to look at, with the configuration that reaches it.
#[derive(Debug, Clone)]
pub struct AccountSession {
    pub account_id: String,
    /// The role assumed, if any.
    pub role_arn: Option<String>,
    pub config: SdkConfig,
}

/// The region used for global calls (STS, DescribeRegions) when none is configured.
const FALLBACK_REGION: &str = "us-east-1";

impl Target {
    /// The base SDK configuration for `region` (profile, endpoint, credentials).
    pub async fn base_config(&self, region: Option<&str>) -> SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(p) = &self.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = region {
            loader = loader.region(Region::new(r.to_owned()));
        }
        if let Some(url) = &self.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some((key, secret)) = &self.static_credentials {
            loader = loader.credentials_provider(Credentials::new(
                key.clone(),
                secret.clone(),
                None,
                None,
                "kensa-static",
            ));
        }
        let config = loader.load().await;
        if config.region().is_none() {
            // No region anywhere: fall back so that STS and DescribeRegions still work.
            return Box::pin(self.base_config(Some(FALLBACK_REGION))).await;
        }
        config
    }

    /// Resolves the accounts: the caller's own, or one per role to assume.
    pub async fn accounts(&self) -> Result<Vec<AccountSession>, AwsError> {
        let base = self
            .base_config(self.regions.first().map(String::as_str))
            .await;
        if self.role_arns.is_empty() {
            let account_id = caller_account(&base).await?;
            return Ok(vec![AccountSession {
                account_id,
                role_arn: None,
                config: base,
            }]);
        }
        let mut sessions = Vec::new();
        for arn in &self.role_arns {
            let provider = aws_config::sts::AssumeRoleProvider::builder(arn)
                .session_name("kensa")
                .configure(&base)
                .build()
                .await;
            let config = base
                .to_builder()
                .credentials_provider(aws_sdk_ec2::config::SharedCredentialsProvider::new(
                    provider,
                ))
                .build();
            let account_id = caller_account(&config).await?;
            sessions.push(AccountSession {
                account_id,
                role_arn: Some(arn.clone()),
                config,
            });
        }
        Ok(sessions)
    }

    /// The regions to collect for one account.
    pub async fn regions_for(&self, session: &AccountSession) -> Result<Vec<String>, AwsError> {
        if self.all_regions {
            let ec2 = aws_sdk_ec2::Client::new(&session.config);
            let out = ec2
                .describe_regions()
                .send()
                .await
                .map_err(|e| AwsError::api("ec2:DescribeRegions", ApiError::from_sdk(e)))?;
            let mut regions: Vec<String> = out
                .regions()
                .iter()
                .filter(|r| r.opt_in_status() != Some("not-opted-in"))
                .filter_map(|r| r.region_name().map(str::to_owned))
                .collect();
            regions.sort();
            return Ok(regions);
        }
        if !self.regions.is_empty() {
            return Ok(self.regions.clone());
        }
        let region = session
            .config
            .region()
            .map(|r| r.as_ref().to_owned())
            .unwrap_or_else(|| FALLBACK_REGION.to_owned());
        Ok(vec![region])
    }
}

/// A copy of `config` pointed at `region`.
pub fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .to_builder()
        .region(Region::new(region.to_owned()))
        .build()
}

async fn caller_account(config: &SdkConfig) -> Result<String, AwsError> {
    let sts = aws_sdk_sts::Client::new(config);
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| AwsError::api("sts:GetCallerIdentity", ApiError::from_sdk(e)))?;
    me.account()
        .map(str::to_owned)
        .ok_or_else(|| AwsError::Invalid("sts:GetCallerIdentity returned no account".into()))
}
