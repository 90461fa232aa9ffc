//! What every store command shares: `--store`, opening (with recovery of runs a killed
//! process left), and table/JSON/CSV output of plain rows.
use std::fs::File;
use std::future::Future;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use kensa_store::{Location, Store};
use serde::Serialize;

#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// The store: a SQLite file (default: $XDG_DATA_HOME/kensa/store.db, else
    /// ~/.local/share/kensa/store.db) or a PostgreSQL URL (postgres://user@host/db).
    #[arg(long, env = "KENSA_STORE", value_name = "PATH|URL")]
    pub store: Option<String>,
}

/// An open store and the runtime its calls run on. Calls are made one at a time with
/// [`Db::call`], so synchronous work (loading, analysing, collecting) runs between them.
pub struct Db {
    rt: tokio::runtime::Runtime,
    pub store: Store,
}

impl Db {
    pub fn open(args: &StoreArgs) -> anyhow::Result<Db> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let location = match &args.store {
            Some(s) => Location::parse(s),
            None => Location::default_file()?,
        };
        let store = rt.block_on(Store::open(&location))?;
        for (run, reason) in rt.block_on(store.recover_interrupted_runs())? {
            eprintln!("notice: run {run} marked FAILED: {reason}");
        }
        Ok(Db { rt, store })
    }

    pub fn call<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ListOutput {
    /// Output format: table, json or csv.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl ListOutput {
    /// Prints `rows` under `headers` as a table or CSV, or `json` as JSON.
    pub fn emit<T: Serialize + ?Sized>(
        &self,
        headers: &[&str],
        rows: &[Vec<String>],
        json: &T,
    ) -> anyhow::Result<()> {
        let mut out: Box<dyn Write> = match &self.output {
            Some(p) => Box::new(BufWriter::new(
                File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
            )),
            None => Box::new(BufWriter::new(io::stdout().lock())),
        };
        match self.format {
            ListFormat::Json => {
                serde_json::to_writer_pretty(&mut out, json)?;
                writeln!(out)?;
            }
            ListFormat::Csv => {
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record(headers)?;
                for r in rows {
                    w.write_record(r)?;
                }
                w.flush()?;
            }
            ListFormat::Table => {
                let mut t = comfy_table::Table::new();
                t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
                t.set_header(headers.to_vec());
                for r in rows {
                    t.add_row(r.clone());
                }
                writeln!(out, "{t}")?;
            }
        }
        out.flush()?;
        Ok(())
    }
}

/// `KEY=VALUE` for clap.
pub fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}`: expected KEY=VALUE")),
    }
}

/// The store when one is in use, for commands whose main output is elsewhere (trail
/// alerts, remediation journals): `--store`/`KENSA_STORE` when given, else the default
/// store file when it exists. None otherwise (nothing is created).
pub fn store_in_use(args: &StoreArgs) -> anyhow::Result<Option<Location>> {
    if let Some(s) = &args.store {
        return Ok(Some(Location::parse(s)));
    }
    match Location::default_file() {
        Ok(Location::File(p)) if p.is_file() => Ok(Some(Location::File(p))),
        _ => Ok(None),
    }
}
