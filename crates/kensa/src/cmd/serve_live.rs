//! Live collection for `kensa serve` (runs started with input `live`): the server's
//! AWS settings (`--profile`, `--region`, ...) give the regions and the caller's own
//! account; each account role stored by an admin (`kensa account set-role`) adds its
//! account, reached by assuming the role with its ExternalId. Units of one account ×
//! one region are collected by whichever worker claims them.
use std::path::Path;

use kensa_aws::collect::unit::{self, Unit, UnitData};
use kensa_aws::collect::CollectWarning;
use kensa_aws::session::Target;
use kensa_server::jobs::{BoxFuture, LiveCollector, Plan};
use kensa_store::AccountRole;

/// The AWS-backed collector, from the server's AWS settings.
pub struct AwsLive {
    pub base: Target,
}

impl AwsLive {
    /// One target per stored account role, or the server's own settings without any.
    fn targets(&self, roles: &[AccountRole]) -> Vec<(Option<String>, Target)> {
        if roles.is_empty() {
            return vec![(None, self.base.clone())];
        }
        roles
            .iter()
            .map(|r| {
                let target = Target {
                    role_arns: vec![r.role_arn.clone()],
                    external_id: r.external_id.clone(),
                    organization: None,
                    ..self.base.clone()
                };
                (Some(r.account_id.clone()), target)
            })
            .collect()
    }

    /// The target that reaches `account`.
    fn target_for(&self, roles: &[AccountRole], account: &str) -> Target {
        self.targets(roles)
            .into_iter()
            .find(|(a, _)| a.as_deref() == Some(account))
            .map(|(_, t)| t)
            .unwrap_or_else(|| self.base.clone())
    }
}

fn warning(account: &str, region: &str, api: &str, message: String) -> CollectWarning {
    CollectWarning {
        account: account.to_owned(),
        region: region.to_owned(),
        api: api.to_owned(),
        code: None,
        message,
    }
}

impl LiveCollector for AwsLive {
    fn plan(&self, roles: Vec<AccountRole>) -> BoxFuture<'_, Result<Plan, String>> {
        Box::pin(async move {
            let (mut units, mut warnings, mut errors) = (Vec::new(), Vec::new(), Vec::new());
            for (account, target) in self.targets(&roles) {
                match unit::plan(&target).await {
                    Ok((u, w)) => {
                        units.extend(u);
                        warnings.extend(w);
                    }
                    Err(e) => {
                        let account = account.unwrap_or_else(|| "caller".into());
                        errors.push(format!("{account}: {e}"));
                        warnings.push(warning(&account, "global", "plan", e.to_string()));
                    }
                }
            }
            if units.is_empty() {
                return Err(format!(
                    "no account could be reached ({})",
                    errors.join("; ")
                ));
            }
            units.sort();
            units.dedup();
            Ok(Plan {
                units: units
                    .into_iter()
                    .map(|u| (u.account_id, u.region))
                    .collect(),
                warnings: serde_json::to_value(&warnings).map_err(|e| e.to_string())?,
            })
        })
    }

    fn collect(
        &self,
        roles: Vec<AccountRole>,
        account: String,
        region: String,
    ) -> BoxFuture<'_, String> {
        Box::pin(async move {
            let target = self.target_for(&roles, &account);
            let unit = Unit {
                account_id: account.clone(),
                region: region.clone(),
            };
            let data = unit::collect_unit(&target, &unit)
                .await
                .unwrap_or_else(|e| UnitData {
                    unit,
                    role_arn: None,
                    files: Default::default(),
                    warnings: vec![warning(&account, &region, "collect", e.to_string())],
                });
            // Plain data: serialising it cannot fail.
            serde_json::to_string(&data).unwrap_or_default()
        })
    }

    fn assemble(
        &self,
        dir: &Path,
        warnings: &serde_json::Value,
        results: &[String],
    ) -> Result<(), String> {
        let warnings: Vec<CollectWarning> =
            serde_json::from_value(warnings.clone()).map_err(|e| format!("plan warnings: {e}"))?;
        let units = results
            .iter()
            .map(|r| serde_json::from_str::<UnitData>(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("a stored unit result is unreadable: {e}"))?;
        unit::assemble(dir, &units, warnings)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
