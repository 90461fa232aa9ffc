//! The IAM role kensa assumes to collect each AWS account, and its ExternalId: set by an
//! admin, read by whoever collects the account.
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::clock;
use crate::db::Store;
use crate::error::{QueryContext, Result, StoreError};

/// How kensa reaches one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRole {
    /// The 12-digit AWS account id this role belongs to.
    pub account_id: String,
    /// The IAM role kensa assumes in the account (`arn:aws:iam::ACCOUNT:role/NAME`).
    pub role_arn: String,
    /// The ExternalId the role's trust policy requires (the confused-deputy guard).
    pub external_id: Option<String>,
    /// When the role was last set, as RFC 3339 UTC text with milliseconds.
    pub updated_at: String,
    /// Who last set the role; None when no user was recorded.
    pub updated_by: Option<String>,
}

/// Checks an account id (12 digits), a role ARN of that account and an ExternalId
/// (2-1224 characters of `[A-Za-z0-9+=,.@:/-]`, as STS accepts).
pub fn validate_account_role(
    account: &str,
    role_arn: &str,
    external_id: Option<&str>,
) -> Result<()> {
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::invalid(
            "account",
            format!("`{account}` is not a 12-digit AWS account id"),
        ));
    }
    let parts: Vec<&str> = role_arn.splitn(6, ':').collect();
    let ok = matches!(parts[..], ["arn", partition, "iam", "", acct, resource]
        if partition.starts_with("aws") && acct == account && resource.len() > 5 && resource.starts_with("role/"));
    if !ok {
        return Err(StoreError::invalid(
            "role ARN",
            format!("`{role_arn}` is not an IAM role of account {account} (arn:aws:iam::{account}:role/NAME)"),
        ));
    }
    if let Some(id) = external_id {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c);
        if !(2..=1224).contains(&id.len()) || !id.chars().all(allowed) {
            return Err(StoreError::invalid(
                "ExternalId",
                "2 to 1224 characters of letters, digits and + = , . @ : / - _",
            ));
        }
    }
    Ok(())
}

fn role_of_row(row: &AnyRow) -> Result<AccountRole> {
    Ok(AccountRole {
        account_id: row.try_get("account_id").ctx("reading an account role")?,
        role_arn: row.try_get("role_arn").ctx("reading an account role")?,
        external_id: row.try_get("external_id").ctx("reading an account role")?,
        updated_at: row.try_get("updated_at").ctx("reading an account role")?,
        updated_by: row.try_get("updated_by").ctx("reading an account role")?,
    })
}

impl Store {
    /// Sets (or replaces) the role and ExternalId kensa uses for `account`.
    pub async fn set_account_role(
        &self,
        account: &str,
        role_arn: &str,
        external_id: Option<&str>,
        by: Option<&str>,
    ) -> Result<AccountRole> {
        validate_account_role(account, role_arn, external_id)?;
        sqlx::query("INSERT INTO account_roles (account_id, role_arn, external_id, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (account_id) DO UPDATE SET role_arn = excluded.role_arn, external_id = excluded.external_id, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
            .bind(account)
            .bind(role_arn)
            .bind(external_id)
            .bind(clock::now())
            .bind(by)
            .execute(&self.pool)
            .await
            .ctx("setting an account role")?;
        self.account_role(account).await
    }

    /// The role of `account`.
    pub async fn account_role(&self, account: &str) -> Result<AccountRole> {
        let row = sqlx::query("SELECT account_id, role_arn, external_id, updated_at, updated_by FROM account_roles WHERE account_id = $1")
            .bind(account)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading an account role")?
            .ok_or_else(|| StoreError::NotFound { what: "role of account", name: account.to_string() })?;
        role_of_row(&row)
    }

    /// Every account's role, by account id.
    pub async fn account_roles(&self) -> Result<Vec<AccountRole>> {
        sqlx::query("SELECT account_id, role_arn, external_id, updated_at, updated_by FROM account_roles ORDER BY account_id")
            .fetch_all(&self.pool)
            .await
            .ctx("listing account roles")?
            .iter()
            .map(role_of_row)
            .collect()
    }

    /// Forgets the role of `account`.
    pub async fn delete_account_role(&self, account: &str) -> Result<()> {
        let n = sqlx::query("DELETE FROM account_roles WHERE account_id = $1")
            .bind(account)
            .execute(&self.pool)
            .await
            .ctx("deleting an account role")?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "role of account",
                name: account.to_string(),
            });
        }
        Ok(())
    }
}
