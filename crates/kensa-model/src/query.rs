//! Lookups the analysers need often; no analysis here, only AWS's association rules.
use std::collections::HashMap;

use crate::ec2::{NetworkAcl, RouteTable};
use crate::instance::NetworkInterface;
use crate::snapshot::Snapshot;

impl Snapshot {
    /// The route table a subnet uses: its explicit association, else its VPC's main table.
    /// Scans the route tables; build your own index when calling it for every subnet of a
    /// large account.
    pub fn subnet_route_table(&self, subnet_id: &str) -> Option<&RouteTable> {
        let explicit = self.route_tables.values().find(|rt| {
            rt.associations
                .iter()
                .any(|a| !a.main && a.subnet_id.as_deref() == Some(subnet_id))
        });
        explicit.or_else(|| self.main_route_table(&self.subnets.get(subnet_id)?.vpc_id))
    }

    /// The route table marked `Main` for `vpc_id`.
    pub fn main_route_table(&self, vpc_id: &str) -> Option<&RouteTable> {
        self.route_tables
            .values()
            .find(|rt| rt.vpc_id == vpc_id && rt.associations.iter().any(|a| a.main))
    }

    /// The network ACL a subnet uses: its associated ACL, else its VPC's default ACL.
    /// Scans the ACLs (see [`Snapshot::subnet_route_table`]).
    pub fn subnet_network_acl(&self, subnet_id: &str) -> Option<&NetworkAcl> {
        let associated = self.network_acls.values().find(|acl| {
            acl.associations
                .iter()
                .any(|a| a.subnet_id.as_deref() == Some(subnet_id))
        });
        associated.or_else(|| self.default_network_acl(&self.subnets.get(subnet_id)?.vpc_id))
    }

    /// The default network ACL of `vpc_id`.
    pub fn default_network_acl(&self, vpc_id: &str) -> Option<&NetworkAcl> {
        self.network_acls
            .values()
            .find(|acl| acl.vpc_id == vpc_id && acl.is_default)
    }

    /// The ENIs attached to an instance, primary (device index 0) first. Uses the
    /// instance's own ENI list when it has one (fast), else scans every ENI's attachment.
    pub fn enis_of_instance(&self, instance_id: &str) -> Vec<&NetworkInterface> {
        let listed: Vec<&NetworkInterface> = self
            .instances
            .get(instance_id)
            .map(|inst| {
                inst.network_interfaces
                    .iter()
                    .filter_map(|n| self.network_interfaces.get(&n.network_interface_id))
                    .collect()
            })
            .unwrap_or_default();
        let mut enis = if listed.is_empty() {
            self.network_interfaces
                .values()
                .filter(|eni| {
                    eni.attachment
                        .as_ref()
                        .and_then(|a| a.instance_id.as_deref())
                        == Some(instance_id)
                })
                .collect()
        } else {
            listed
        };
        enis.sort_by_key(|eni| {
            let index = eni.attachment.as_ref().and_then(|a| a.device_index);
            (index.unwrap_or(i32::MAX), eni.network_interface_id.clone())
        });
        enis
    }
}

/// Route table and network ACL of every subnet, computed once: use it instead of
/// [`Snapshot::subnet_route_table`] / [`Snapshot::subnet_network_acl`] when asking for
/// many subnets.
#[derive(Debug, Clone)]
pub struct SubnetIndex<'a> {
    snapshot: &'a Snapshot,
    explicit_route_tables: HashMap<&'a str, &'a RouteTable>,
    main_route_tables: HashMap<&'a str, &'a RouteTable>,
    associated_acls: HashMap<&'a str, &'a NetworkAcl>,
    default_acls: HashMap<&'a str, &'a NetworkAcl>,
}

impl<'a> SubnetIndex<'a> {
    /// Indexes each subnet's route table (its explicit one, else the VPC's main) and network ACL
    /// (its associated one, else the VPC's default).
    pub fn new(snapshot: &'a Snapshot) -> Self {
        let mut index = SubnetIndex {
            snapshot,
            explicit_route_tables: HashMap::new(),
            main_route_tables: HashMap::new(),
            associated_acls: HashMap::new(),
            default_acls: HashMap::new(),
        };
        // BTreeMap order, first one wins: the same answer as the scanning methods.
        for rt in snapshot.route_tables.values() {
            for a in &rt.associations {
                if a.main {
                    index
                        .main_route_tables
                        .entry(rt.vpc_id.as_str())
                        .or_insert(rt);
                } else if let Some(subnet) = a.subnet_id.as_deref() {
                    index.explicit_route_tables.entry(subnet).or_insert(rt);
                }
            }
        }
        for acl in snapshot.network_acls.values() {
            if acl.is_default {
                index.default_acls.entry(acl.vpc_id.as_str()).or_insert(acl);
            }
            for subnet in acl
                .associations
                .iter()
                .filter_map(|a| a.subnet_id.as_deref())
            {
                index.associated_acls.entry(subnet).or_insert(acl);
            }
        }
        index
    }

    fn vpc_of(&self, subnet_id: &str) -> Option<&'a str> {
        self.snapshot
            .subnets
            .get(subnet_id)
            .map(|s| s.vpc_id.as_str())
    }

    /// See [`Snapshot::subnet_route_table`].
    pub fn route_table(&self, subnet_id: &str) -> Option<&'a RouteTable> {
        match self.explicit_route_tables.get(subnet_id) {
            Some(rt) => Some(rt),
            None => self.main_route_tables.get(self.vpc_of(subnet_id)?).copied(),
        }
    }

    /// See [`Snapshot::subnet_network_acl`].
    pub fn network_acl(&self, subnet_id: &str) -> Option<&'a NetworkAcl> {
        match self.associated_acls.get(subnet_id) {
            Some(acl) => Some(acl),
            None => self.default_acls.get(self.vpc_of(subnet_id)?).copied(),
        }
    }
}

impl Snapshot {
    /// A [`SubnetIndex`] over this snapshot.
    pub fn subnet_index(&self) -> SubnetIndex<'_> {
        SubnetIndex::new(self)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Document, Scope, Snapshot};

    fn snapshot(docs: &[(&str, &'static str)]) -> Snapshot {
        Snapshot::from_documents(
            docs.iter()
                .map(|(label, json)| Document::new(*label, Scope::default(), *json)),
        )
    }

    const VPC: &str = r#"{"Vpcs": [{"VpcId": "vpc-1"}], "Subnets": [
        {"SubnetId": "subnet-a", "VpcId": "vpc-1"}, {"SubnetId": "subnet-b", "VpcId": "vpc-1"}]}"#;

    #[test]
    fn route_table_is_explicit_else_main() {
        let s = snapshot(&[
            ("vpc.json", VPC),
            (
                "rt.json",
                r#"{"RouteTables": [
                {"RouteTableId": "rtb-main", "VpcId": "vpc-1", "Associations": [{"Main": true, "RouteTableId": "rtb-main"}]},
                {"RouteTableId": "rtb-a", "VpcId": "vpc-1", "Associations": [{"Main": false, "SubnetId": "subnet-a"}]}]}"#,
            ),
        ]);
        let id = |sub| {
            s.subnet_route_table(sub)
                .map(|rt| rt.route_table_id.as_str())
        };
        assert_eq!(id("subnet-a"), Some("rtb-a"));
        assert_eq!(id("subnet-b"), Some("rtb-main"));
        assert_eq!(id("subnet-unknown"), None);
    }

    #[test]
    fn network_acl_is_associated_else_default() {
        let s = snapshot(&[
            ("vpc.json", VPC),
            (
                "acl.json",
                r#"{"NetworkAcls": [
                {"NetworkAclId": "acl-default", "VpcId": "vpc-1", "IsDefault": true, "Associations": []},
                {"NetworkAclId": "acl-a", "VpcId": "vpc-1", "IsDefault": false, "Associations": [{"SubnetId": "subnet-a"}]}]}"#,
            ),
        ]);
        let id = |sub| s.subnet_network_acl(sub).map(|a| a.network_acl_id.as_str());
        let index = s.subnet_index();
        for sub in ["subnet-a", "subnet-b", "subnet-unknown"] {
            let indexed = index.network_acl(sub).map(|a| a.network_acl_id.as_str());
            assert_eq!(indexed, id(sub));
        }
        assert_eq!(id("subnet-a"), Some("acl-a"));
        assert_eq!(id("subnet-b"), Some("acl-default"));
        assert_eq!(id("subnet-unknown"), None);
    }

    #[test]
    fn enis_of_instance_primary_first_from_attachments() {
        let s = snapshot(&[(
            "eni.json",
            r#"{"NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-9", "Attachment": {"InstanceId": "i-1", "DeviceIndex": 1}},
            {"NetworkInterfaceId": "eni-3", "Attachment": {"InstanceId": "i-1", "DeviceIndex": 0}},
            {"NetworkInterfaceId": "eni-5", "Attachment": {"InstanceId": "i-2", "DeviceIndex": 0}}]}"#,
        )]);
        let ids: Vec<&str> = s
            .enis_of_instance("i-1")
            .iter()
            .map(|e| e.network_interface_id.as_str())
            .collect();
        assert_eq!(ids, ["eni-3", "eni-9"]);
        assert!(s.enis_of_instance("i-404").is_empty());
    }
}
