//! How kensa reaches AWS: a profile, the regions, optional roles to assume (one account
//! each) or every account of an AWS Organization, and an optional endpoint override
//! (moto in tests; `AWS_ENDPOINT_URL` works too, read by the SDK itself).
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_ec2::config::{Credentials, Region};

use crate::error::{ApiError, AwsError};

pub use crate::org::{Organization, DEFAULT_ORG_ROLE};

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
    /// Every active account of the caller's organization, reached through a role.
    pub organization: Option<Organization>,
    /// `sts:AssumeRole`'s ExternalId for every role assumed (`--role-arn` and
    /// `--organization`).
    pub external_id: Option<String>,
    /// How calls are retried; [`retry_config`] when `None`.
    pub retry: Option<RetryConfig>,
}

/// Attempts per call (the first one included) before a throttled or failing call is
/// given up and recorded as a warning.
pub const MAX_ATTEMPTS: u32 = 10;

/// Adaptive retry: the SDK retries throttling (`Throttling`, `RequestLimitExceeded`,
/// `TooManyRequestsException`, ...) and transient errors with exponential backoff and
/// jitter, and on throttling also slows the client's own send rate (a token bucket per
/// client), so a run that hits an account's request limit backs off instead of failing.
pub fn retry_config() -> RetryConfig {
    RetryConfig::adaptive()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(20))
}

/// Accounts resolved for a run, and those that could not be reached (a role that cannot
/// be assumed in one member account does not stop the others).
#[derive(Debug, Default)]
pub struct Resolved {
    /// The accounts reached, each with its configuration.
    pub sessions: Vec<AccountSession>,
    /// (account id, call, error).
    pub unreachable: Vec<(String, String, ApiError)>,
}

/// One account to look at, with the configuration that reaches it.
#[derive(Debug, Clone)]
pub struct AccountSession {
    /// The 12-digit account id.
    pub account_id: String,
    /// The role assumed, if any.
    pub role_arn: Option<String>,
    /// The SDK configuration whose credentials reach the account.
    pub config: SdkConfig,
}

/// The region used for global calls (STS, DescribeRegions) when none is configured.
const FALLBACK_REGION: &str = "us-east-1";

impl Target {
    /// The base SDK configuration for `region` (profile, endpoint, credentials).
    pub async fn base_config(&self, region: Option<&str>) -> SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(self.retry.clone().unwrap_or_else(retry_config));
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

    /// Resolves the accounts, all or nothing (remediation acts only on accounts it can
    /// reach): the caller's own, one per role to assume, or the organization's.
    pub async fn accounts(&self) -> Result<Vec<AccountSession>, AwsError> {
        let resolved = self.resolve().await?;
        match resolved.unreachable.into_iter().next() {
            Some((account, api, e)) => Err(AwsError::api(&format!("{api} ({account})"), e)),
            None => Ok(resolved.sessions),
        }
    }

    /// Resolves the accounts, keeping those that could not be reached apart.
    pub async fn resolve(&self) -> Result<Resolved, AwsError> {
        let base = self
            .base_config(self.regions.first().map(String::as_str))
            .await;
        if let Some(org) = &self.organization {
            return crate::org::resolve(&base, org, self.external_id.as_deref()).await;
        }
        if self.role_arns.is_empty() {
            let account_id = caller_account(&base).await?;
            return Ok(Resolved {
                sessions: vec![AccountSession {
                    account_id,
                    role_arn: None,
                    config: base,
                }],
                unreachable: Vec::new(),
            });
        }
        // Roles given by hand: one that cannot be assumed is the user's mistake, so it
        // stops the run with the role named.
        let mut sessions = Vec::new();
        for arn in &self.role_arns {
            let config = assume_role(&base, arn, self.external_id.as_deref()).await;
            let account_id = caller_account(&config).await?;
            sessions.push(AccountSession {
                account_id,
                role_arn: Some(arn.clone()),
                config,
            });
        }
        Ok(Resolved {
            sessions,
            unreachable: Vec::new(),
        })
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

/// `base` with credentials from assuming `arn` (refreshed by the SDK as they expire).
pub(crate) async fn assume_role(
    base: &SdkConfig,
    arn: &str,
    external_id: Option<&str>,
) -> SdkConfig {
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(arn)
        .session_name("kensa")
        .configure(base);
    if let Some(id) = external_id {
        builder = builder.external_id(id);
    }
    let provider = builder.build().await;
    base.to_builder()
        .credentials_provider(aws_sdk_ec2::config::SharedCredentialsProvider::new(
            provider,
        ))
        .build()
}

pub(crate) async fn caller_account(config: &SdkConfig) -> Result<String, AwsError> {
    Ok(caller_identity(config).await?.0)
}

/// The caller's account and partition (`aws`, `aws-cn`, `aws-us-gov`, from its ARN).
pub(crate) async fn caller_identity(config: &SdkConfig) -> Result<(String, String), AwsError> {
    let sts = aws_sdk_sts::Client::new(config);
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| AwsError::api("sts:GetCallerIdentity", ApiError::from_sdk(e)))?;
    let account = me
        .account()
        .map(str::to_owned)
        .ok_or_else(|| AwsError::Invalid("sts:GetCallerIdentity returned no account".into()))?;
    let partition = me
        .arn()
        .and_then(|arn| arn.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_owned();
    Ok((account, partition))
}
