//! Network interfaces built from instance records when `describe-network-interfaces` did
//! not list them, so every instance ENI is in `snapshot.network_interfaces`.
use std::collections::HashSet;

use super::{Builder, ItemPath, Origin};
use crate::instance::{
    Attachment, Instance, InstanceNetworkInterface, IpAssociation, NetworkInterface,
};

impl Builder {
    pub(super) fn synthesize_instance_enis(&mut self) {
        let mut made = Vec::new();
        let known: HashSet<&str, super::staging::IdHash> = self
            .snapshot
            .network_interfaces
            .keys()
            .map(String::as_str)
            .collect();
        for instance in self.snapshot.instances.values() {
            for (index, summary) in instance.network_interfaces.iter().enumerate() {
                let id = &summary.network_interface_id;
                if id.is_empty() || known.contains(id.as_str()) {
                    continue;
                }
                let eni = eni_from_instance(instance, summary, index);
                made.push((instance.instance_id.clone(), index, eni));
            }
        }
        for (instance_id, index, eni) in made {
            if let Some(origin) = self.origin(&instance_id) {
                let path = ItemPath {
                    eni: Some(index as u32),
                    ..origin.path
                };
                self.set_origin(&eni.network_interface_id, Origin { path, ..origin });
            }
            self.snapshot
                .network_interfaces
                .insert(eni.network_interface_id.clone(), eni);
        }
    }
}

/// The ENI an instance's `NetworkInterfaces[index]` summary describes. Missing details come
/// from the instance: its groups, subnet, VPC, and (on the primary ENI) its public IP.
fn eni_from_instance(
    instance: &Instance,
    summary: &InstanceNetworkInterface,
    index: usize,
) -> NetworkInterface {
    let mut attachment = summary.attachment.clone().unwrap_or_default();
    attachment
        .instance_id
        .get_or_insert_with(|| instance.instance_id.clone());
    if attachment.device_index.is_none() {
        attachment.device_index = i32::try_from(index).ok();
    }
    let primary = attachment.device_index == Some(0);
    let mut association = summary.association.clone();
    if association.is_none() && primary {
        association = instance.public_ip_address.clone().map(|ip| IpAssociation {
            public_ip: Some(ip),
            ..IpAssociation::default()
        });
    }
    let groups = if summary.groups.is_empty() {
        instance.security_groups.clone()
    } else {
        summary.groups.clone()
    };
    NetworkInterface {
        network_interface_id: summary.network_interface_id.clone(),
        subnet_id: summary
            .subnet_id
            .clone()
            .or_else(|| instance.subnet_id.clone()),
        vpc_id: summary.vpc_id.clone().or_else(|| instance.vpc_id.clone()),
        availability_zone: None,
        description: Some(format!("built from instance {}", instance.instance_id)),
        interface_type: summary
            .interface_type
            .clone()
            .or(Some("interface".to_string())),
        requester_id: None,
        requester_managed: false,
        private_ip_address: summary.private_ip_address.clone(),
        private_ip_addresses: summary.private_ip_addresses.clone(),
        ipv6_addresses: summary.ipv6_addresses.clone(),
        association,
        attachment: Some(Attachment {
            status: attachment.status.or(Some("attached".to_string())),
            ..attachment
        }),
        groups,
        owner_id: instance.owner_id.clone(),
        source_dest_check: summary.source_dest_check,
        status: Some("in-use".to_string()),
        tags: Vec::new(),
        scope: instance.scope.clone(),
        synthesized_from_instance: true,
    }
}
