//! Loading a collected snapshot for the tests, through the model's loader, and planning
//! over it.
use std::path::Path;

use kensa_aws::collect::Extras;
use kensa_aws::remediate::{build_plan, Mode, Plan, PlanRequest};
use kensa_model::Snapshot;

pub fn load(dir: &Path) -> Snapshot {
    Snapshot::load(dir).unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()))
}

/// The remediation plan for `controls` over `snap` (and an older snapshot's `extras`).
pub fn plan(snap: &Snapshot, extras: &Extras, controls: &[&str], mode: Mode) -> Plan {
    let controls: Vec<String> = controls.iter().map(|c| c.to_string()).collect();
    build_plan(&PlanRequest {
        snapshot: snap,
        extras,
        controls: &controls,
        mode,
        source: "moto".into(),
    })
    .expect("plan")
}
