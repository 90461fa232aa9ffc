//! What the live watcher's remediation and re-description share with `kensa remediate
//! approve`: running async AWS work from the watcher's handler, applying a plan through
//! the journaled driver, describing groups again, and the remediation state files.
use std::future::Future;
use std::path::{Path, PathBuf};

use anyhow::Context;
use kensa_aws::describe::Describer;
use kensa_aws::remediate::{apply_plan, ApplyOptions, Plan};
use kensa_aws::session::Target;
use kensa_watch::remediation::{Remediation, RemediationLog};

/// Runs a future to completion on a runtime of its own, on another thread: the live
/// watcher calls this from inside its source's handler, itself inside a runtime.
pub fn blocking<F: Future + Send>(f: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(|rt| rt.block_on(f))
        })
        .join()
        .expect("remediation thread panicked")
    })
    .expect("cannot start a runtime for the remediation")
}

/// What applying a plan gave.
pub struct Applied {
    pub journal_id: Option<String>,
    pub report: serde_json::Value,
    pub verified: bool,
    pub message: String,
}

/// Applies `plan` through the remediation driver, journaled under `journal_dir`.
pub async fn apply_journaled(target: &Target, plan: &Plan, journal_dir: &Path) -> Applied {
    let opts = ApplyOptions {
        apply: true,
        journal_root: journal_dir.to_path_buf(),
        now: std::time::SystemTime::now(),
    };
    match apply_plan(target, plan, &opts).await {
        Ok(report) => {
            let failed = report.failed();
            let message = if failed == 0 {
                format!("{} action(s) applied and verified", report.actions.len())
            } else {
                let why: Vec<String> = (report.actions.iter())
                    .flat_map(|a| {
                        a.messages
                            .iter()
                            .map(move |m| format!("{}: {m}", a.action_id))
                    })
                    .collect();
                format!(
                    "{failed} action(s) failed or not verified: {}",
                    why.join("; ")
                )
            };
            Applied {
                journal_id: report.journal_id.clone(),
                report: serde_json::to_value(&report).unwrap_or_default(),
                verified: failed == 0,
                message,
            }
        }
        Err(e) => Applied {
            journal_id: None,
            report: serde_json::Value::Null,
            verified: false,
            message: format!("not applied: {e}"),
        },
    }
}

/// Each group with its state as described now, or why it could not be described.
pub type GroupStates = Vec<(
    String,
    Result<kensa_aws::remediate::live::GroupState, String>,
)>;

/// Describes `groups` again (`DescribeSecurityGroups`, `DescribeSecurityGroupRules`) in
/// `region` of the target's first account.
pub async fn describe_groups(
    target: &Target,
    region: Option<String>,
    groups: &[String],
) -> GroupStates {
    let describer = match Describer::connect(target, region.as_deref()).await {
        Ok(d) => d,
        Err(e) => {
            return groups
                .iter()
                .map(|g| (g.clone(), Err(e.to_string())))
                .collect()
        }
    };
    let mut out = Vec::new();
    for g in groups {
        let state = describer.security_group(g).await.map_err(|e| e.to_string());
        out.push((g.clone(), state));
    }
    out
}

/// Now, as CloudTrail writes times.
pub fn kensa_trail_time() -> String {
    kensa_aws::describe::trail_time_now()
}

/// The state file of the watcher on `slug`.
pub fn state_file(state_dir: &Path, slug: &str) -> PathBuf {
    state_dir.join(format!("remediations-{slug}.jsonl"))
}

/// Finds a remediation by id in the state files of `state_dir`.
pub fn find(state_dir: &Path, id: &str) -> anyhow::Result<(RemediationLog, Remediation)> {
    let entries = std::fs::read_dir(state_dir)
        .with_context(|| format!("cannot read state directory {}", state_dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("remediations-") && name.ends_with(".jsonl")
        })
        .collect();
    files.sort();
    for f in files {
        let log = RemediationLog::open(&f)?;
        if let Some(r) = log.get(id).cloned() {
            return Ok((log, r));
        }
    }
    anyhow::bail!(
        "no remediation {id} in {} (the --state-dir of `kensa watch`)",
        state_dir.display()
    )
}
