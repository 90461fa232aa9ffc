//! AWS Organizations: every active account of the caller's organization, each reached
//! by assuming a role of the same name in it (with an ExternalId when given). The
//! management account itself is collected with the caller's own credentials (the
//! organization's access role exists only in member accounts). A member account whose
//! role cannot be assumed is reported, not fatal: the others are still collected.
use aws_config::SdkConfig;

use crate::error::{ApiError, AwsError};
use crate::session::{assume_role, caller_identity, AccountSession, Resolved};

/// The role AWS Organizations creates in every account it creates
/// (`CreateAccount`); accounts that joined by invitation need it (or
/// `--org-role-name`) created by hand.
pub const DEFAULT_ORG_ROLE: &str = "OrganizationAccountAccessRole";

/// Collect every active account of the organization through `role_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// The role assumed in each member account.
    pub role_name: String,
}

impl Default for Organization {
    fn default() -> Self {
        Organization {
            role_name: DEFAULT_ORG_ROLE.to_owned(),
        }
    }
}

impl Organization {
    /// The role to assume in `account` (`path/Name` role names keep their path).
    pub fn role_arn(&self, partition: &str, account: &str) -> String {
        format!("arn:{partition}:iam::{account}:role/{}", self.role_name)
    }
}

/// Accounts of the organization, sorted by id.
pub(crate) async fn resolve(
    base: &SdkConfig,
    org: &Organization,
    external_id: Option<&str>,
) -> Result<Resolved, AwsError> {
    if org.role_name.is_empty() || org.role_name.contains(':') {
        return Err(AwsError::Invalid(format!(
            "--org-role-name {:?}: expected a role name such as {DEFAULT_ORG_ROLE}",
            org.role_name
        )));
    }
    let (me, partition) = caller_identity(base).await?;
    let members = active_accounts(base).await?;
    let mut tasks = tokio::task::JoinSet::new();
    for account in members {
        if account == me {
            tasks.spawn(std::future::ready((account, None, Ok(base.clone()))));
            continue;
        }
        let arn = org.role_arn(&partition, &account);
        let base = base.clone();
        let external_id = external_id.map(str::to_owned);
        tasks.spawn(async move {
            let config = assume_role(&base, &arn, external_id.as_deref()).await;
            // The provider assumes the role lazily: ask who we are to find out now.
            let check = match caller_identity(&config).await {
                Ok((id, _)) if id == account => Ok(config),
                Ok((id, _)) => Err(ApiError::other(format!(
                    "assuming {arn} gave credentials of account {id}"
                ))),
                Err(AwsError::Api { source, .. }) => Err(source),
                Err(e) => Err(ApiError::other(e.to_string())),
            };
            (account, Some(arn), check)
        });
    }
    let mut resolved = Resolved::default();
    while let Some(joined) = tasks.join_next().await {
        let (account_id, role_arn, check) =
            joined.map_err(|e| AwsError::Invalid(format!("organization account task: {e}")))?;
        match check {
            Ok(config) => resolved.sessions.push(AccountSession {
                account_id,
                role_arn,
                config,
            }),
            Err(e) => resolved
                .unreachable
                .push((account_id, "sts:AssumeRole".to_owned(), e)),
        }
    }
    resolved
        .sessions
        .sort_by(|a, b| a.account_id.cmp(&b.account_id));
    resolved.unreachable.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(resolved)
}

/// `organizations:ListAccounts`, active accounts only (suspended and closing accounts
/// answer no describe calls), sorted.
async fn active_accounts(base: &SdkConfig) -> Result<Vec<String>, AwsError> {
    use aws_sdk_organizations::types::{AccountState, AccountStatus};
    let client = aws_sdk_organizations::Client::new(base);
    // Organizations' paginator has no item view: collect the pages' accounts.
    let pages: Vec<_> = client
        .list_accounts()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::api("organizations:ListAccounts", ApiError::from_sdk(e)))?;
    let all: Vec<_> = pages
        .iter()
        .flat_map(|page| page.accounts().iter())
        .collect();
    let mut ids: Vec<String> = all
        .iter()
        .filter(|a| match a.state() {
            Some(state) => *state == AccountState::Active,
            // Endpoints that predate `State` only send `Status`.
            None => a.status() == Some(&AccountStatus::Active),
        })
        .filter_map(|a| a.id().map(str::to_owned))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}
