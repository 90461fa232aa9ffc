//! `kensa token create|list|revoke`: API tokens for `kensa serve`, managed offline
//! (the first admin token has to come from somewhere).
use std::process::ExitCode;

use clap::Subcommand;
use kensa_server::auth::{audit, token, Role};
use kensa_store::ApiToken;

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
    /// Create a token and print its secret once (only its argon2 hash is stored).
    /// Roles: viewer (read), operator (also start/cancel runs, remediation), admin
    /// (also tokens, settings, the audit log).
    Create {
        /// A unique name (shown in the audit log).
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        output: ListOutput,
    },
    /// Revoke a token: it and its browser sessions stop working at once.
    Revoke { name: String },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.store)?;
    match args.command {
        Command::Create { name, role } => {
            let (t, secret) = db.call(token::create(&db.store, &name, role))?;
            db.call(audit::record_cli(
                &db.store,
                "token.create",
                &format!("token:{}", t.name),
                serde_json::json!({"role": t.role}),
            ))?;
            eprintln!(
                "created {} token `{}`; its secret is shown only now:",
                t.role, t.name
            );
            println!("{secret}");
        }
        Command::List { output } => emit(&output, &db.call(db.store.tokens())?)?,
        Command::Revoke { name } => {
            let t = db.call(db.store.revoke_token(&name))?;
            db.call(audit::record_cli(
                &db.store,
                "token.revoke",
                &format!("token:{}", t.name),
                serde_json::json!({}),
            ))?;
            eprintln!("revoked token {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn emit(output: &ListOutput, tokens: &[ApiToken]) -> anyhow::Result<()> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows: Vec<Vec<String>> = tokens
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.name.clone(),
                t.role.clone(),
                t.created_at.clone(),
                opt(&t.last_used_at),
                opt(&t.revoked_at),
            ]
        })
        .collect();
    output.emit(
        &["id", "name", "role", "created", "last used", "revoked"],
        &rows,
        tokens,
    )
}
