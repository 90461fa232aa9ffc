//! What a target covers in a snapshot. Accounts and regions narrow everything; a
//! resource group (tag pairs, any pair matches) narrows to its instances and the
//! resources they use: ENIs, security groups, subnets, VPCs, volumes, and the load
//! balancers whose target groups hold them. Account-level resources follow the
//! target's accounts and regions.
use std::collections::{BTreeSet, HashSet};

use kensa_model::instance::Instance;
use kensa_model::{Finding, Snapshot};

use crate::findings::ResourceKey;
use crate::model::Target;

/// Resource types that belong to an account/region rather than to an instance.
const ACCOUNT_LEVEL: [&str; 1] = ["AwsAccount"];

/// What a run covers: the target's accounts, regions and resource group resolved against
/// one snapshot.
#[derive(Debug, Clone)]
pub struct RunScope {
    accounts: BTreeSet<String>,
    regions: BTreeSet<String>,
    /// `None`: every resource of the accounts/regions; `Some`: only these ids.
    resources: Option<HashSet<String>>,
    /// Instances in scope, sorted (for exclusions and counts).
    pub instances: Vec<String>,
}

impl RunScope {
    /// The scope of `target` in `snap`: its instances (those with one of the target's tags
    /// when it has any) and the accounts and regions it names.
    pub fn of(target: &Target, snap: &Snapshot) -> RunScope {
        let accounts: BTreeSet<String> = target.accounts.iter().cloned().collect();
        let regions: BTreeSet<String> = target.regions.iter().cloned().collect();
        let place_ok = |account: &str, region: &str| {
            (accounts.is_empty() || accounts.contains(account))
                && (regions.is_empty() || regions.contains(region))
        };
        let tagged = |i: &Instance| {
            target.tags.iter().any(|t| {
                i.tags
                    .iter()
                    .any(|it| it.key == t.key && it.value == t.value)
            })
        };
        let instances: Vec<&Instance> = snap
            .instances
            .values()
            .filter(|i| place_ok(&i.scope.account, &i.scope.region))
            .filter(|i| target.tags.is_empty() || tagged(i))
            .collect();
        let resources = (!target.tags.is_empty()).then(|| related_resources(snap, &instances));
        RunScope {
            instances: instances.iter().map(|i| i.instance_id.clone()).collect(),
            accounts,
            regions,
            resources,
        }
    }

    fn place_ok(&self, account: &str, region: &str) -> bool {
        // A resource whose account or region the snapshot did not say is judged by
        // what is known; an unknown place passes only an unrestricted target.
        (self.accounts.is_empty() || self.accounts.contains(account))
            && (self.regions.is_empty() || self.regions.contains(region))
    }

    /// Does the scope cover this resource?
    pub fn covers(&self, key: &ResourceKey) -> bool {
        if !self.place_ok(&key.account, &key.region) {
            return false;
        }
        match &self.resources {
            None => true,
            Some(ids) => {
                ACCOUNT_LEVEL.contains(&key.resource_type.as_str())
                    || ids.contains(&key.resource_id)
            }
        }
    }

    /// Whether the finding's resource is in scope (account-level resources by account and
    /// region only).
    pub fn covers_finding(&self, f: &Finding) -> bool {
        self.covers(&ResourceKey {
            resource_type: f.resource.resource_type.clone(),
            resource_id: f.resource.id.clone(),
            account: f.resource.account.clone(),
            region: f.resource.region.clone(),
        })
    }
}

fn related_resources(snap: &Snapshot, instances: &[&Instance]) -> HashSet<String> {
    let mut ids = HashSet::new();
    for i in instances {
        ids.insert(i.instance_id.clone());
        ids.extend(i.subnet_id.clone());
        ids.extend(i.vpc_id.clone());
        ids.extend(i.security_groups.iter().map(|g| g.group_id.clone()));
        for n in &i.network_interfaces {
            ids.insert(n.network_interface_id.clone());
            ids.extend(n.subnet_id.clone());
            ids.extend(n.vpc_id.clone());
        }
    }
    for eni in snap.network_interfaces.values() {
        let owner = eni.attachment.as_ref().and_then(|a| a.instance_id.as_ref());
        if owner.is_some_and(|id| ids.contains(id)) {
            ids.insert(eni.network_interface_id.clone());
            ids.extend(eni.groups.iter().map(|g| g.group_id.clone()));
        }
    }
    for v in snap.volumes.values() {
        let attached = v
            .attachments
            .iter()
            .any(|a| a.instance_id.as_ref().is_some_and(|id| ids.contains(id)));
        if attached {
            ids.insert(v.volume_id.clone());
        }
    }
    for tg in snap.target_groups.values() {
        let holds = tg
            .target_health_descriptions
            .iter()
            .any(|t| ids.contains(&t.target.id));
        if holds {
            for arn in &tg.load_balancer_arns {
                ids.insert(arn.clone());
                if let Some(name) = snap
                    .load_balancers
                    .get(arn)
                    .and_then(|lb| lb.load_balancer_name.clone())
                {
                    ids.insert(name);
                }
            }
        }
    }
    ids
}
