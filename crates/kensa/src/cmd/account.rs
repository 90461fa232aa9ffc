//! `kensa account set-role|roles|delete-role`: the IAM role (and ExternalId) kensa
//! assumes to collect each AWS account, kept in the store for every server and worker.
use std::process::ExitCode;

use clap::Subcommand;
use kensa_store::AccountRole;

use super::store_common::{Db, ListOutput, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Set (or replace) the role of one account.
    SetRole {
        /// The 12-digit account id.
        account: String,
        /// arn:aws:iam::ACCOUNT:role/NAME (an IAM role of that account).
        #[arg(long, value_name = "ARN")]
        role_arn: String,
        /// The ExternalId the role's trust policy requires.
        #[arg(long, value_name = "ID")]
        external_id: Option<String>,
    },
    /// List every account's role.
    Roles {
        #[command(flatten)]
        output: ListOutput,
    },
    /// Forget one account's role.
    DeleteRole { account: String },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.store)?;
    match args.command {
        Command::SetRole {
            account,
            role_arn,
            external_id,
        } => {
            let r = db.call(db.store.set_account_role(
                &account,
                &role_arn,
                external_id.as_deref(),
                Some("cli"),
            ))?;
            eprintln!("account {}: role {}", r.account_id, r.role_arn);
        }
        Command::Roles { output } => emit(&output, &db.call(db.store.account_roles())?)?,
        Command::DeleteRole { account } => {
            db.call(db.store.delete_account_role(&account))?;
            eprintln!("removed the role of account {account}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn emit(output: &ListOutput, roles: &[AccountRole]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = roles
        .iter()
        .map(|r| {
            vec![
                r.account_id.clone(),
                r.role_arn.clone(),
                r.external_id.clone().unwrap_or_default(),
                r.updated_at.clone(),
                r.updated_by.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output.emit(
        &["account", "role ARN", "ExternalId", "updated", "by"],
        &rows,
        roles,
    )
}
