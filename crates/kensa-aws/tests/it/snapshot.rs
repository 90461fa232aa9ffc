//! Loading a collected snapshot for the tests: the parts the planner reads, until the
//! model's `Snapshot::load` is wired in.
use std::path::Path;

use kensa_model::ec2::{SecurityGroup, SecurityGroupRule};
use kensa_model::gateway::PrefixList;
use kensa_model::instance::Reservation;
use kensa_model::{Scope, Snapshot};
use serde_json::Value;

pub fn load(dir: &Path) -> Snapshot {
    let mut snap = Snapshot::default();
    let configs = dir.join("aws_configs");
    for region_dir in std::fs::read_dir(&configs)
        .unwrap()
        .map(|e| e.unwrap().path())
    {
        let region = region_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let scope = Scope {
            account: String::new(),
            region,
        };
        for file in std::fs::read_dir(&region_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
        {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            if let Some(list) = v.get("SecurityGroups") {
                for mut g in serde_json::from_value::<Vec<SecurityGroup>>(list.clone()).unwrap() {
                    g.scope = scope.clone();
                    snap.security_groups.insert(g.group_id.clone(), g);
                }
            } else if let Some(list) = v.get("SecurityGroupRules") {
                for mut r in serde_json::from_value::<Vec<SecurityGroupRule>>(list.clone()).unwrap()
                {
                    r.scope = scope.clone();
                    snap.security_group_rules
                        .insert(r.security_group_rule_id.clone(), r);
                }
            } else if let Some(list) = v.get("PrefixLists") {
                for mut p in serde_json::from_value::<Vec<PrefixList>>(list.clone()).unwrap() {
                    p.scope = scope.clone();
                    snap.prefix_lists.insert(p.prefix_list_id.clone(), p);
                }
            } else if let Some(list) = v.get("Reservations") {
                for r in serde_json::from_value::<Vec<Reservation>>(list.clone()).unwrap() {
                    for mut i in r.instances {
                        i.scope = scope.clone();
                        snap.instances.insert(i.instance_id.clone(), i);
                    }
                }
            }
        }
    }
    snap
}
