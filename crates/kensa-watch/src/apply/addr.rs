//! Address and interface events: Elastic IPs, instance launches, security group changes
//! of interfaces and instances.
use kensa_model::instance::{
    Address, Attachment, GroupIdentifier, Instance, InstanceNetworkInterface, InstanceState,
    IpAssociation,
};
use kensa_model::Snapshot;
use serde_json::Value;

use super::{unappliable, Applied, Outcome, Touched, Unappliable};
use crate::event::ChangeEvent;
use crate::json::{boolean, get, int, items, text};

/// Stands for the public IPv4 address AWS gives a launching instance: `RunInstances`
/// answers before the address is assigned. Reachability depends on there being one, not
/// on its value; the outcome asks for a re-describe that brings the real one.
pub const PENDING_PUBLIC_IP: &str = "0.0.0.0";

fn address_key(snap: &Snapshot, ev: &ChangeEvent) -> Result<String, Unappliable> {
    if let Some(a) = ev.req_text("allocationId") {
        if snap.addresses.contains_key(&a) {
            return Ok(a);
        }
        return Err(unappliable(a, "Elastic IP is not in the model"));
    }
    let ip = ev
        .req_text("publicIp")
        .ok_or_else(|| unappliable(&ev.event_name, "request names no address"))?;
    (snap.addresses.iter())
        .find(|(k, a)| **k == ip || a.public_ip.as_deref() == Some(ip.as_str()))
        .map(|(k, _)| k.clone())
        .ok_or_else(|| unappliable(ip, "Elastic IP is not in the model"))
}

/// The id of an instance's primary interface (device index 0).
fn primary_eni(snap: &Snapshot, instance: &str) -> Option<String> {
    let from_instance = snap.instances.get(instance).and_then(|i| {
        (i.network_interfaces.iter())
            .find(|n| {
                n.attachment
                    .as_ref()
                    .and_then(|a| a.device_index)
                    .unwrap_or(0)
                    == 0
            })
            .map(|n| n.network_interface_id.clone())
    });
    from_instance.or_else(|| {
        snap.network_interfaces.values().find_map(|n| {
            let a = n.attachment.as_ref()?;
            (a.instance_id.as_deref() == Some(instance) && a.device_index.unwrap_or(0) == 0)
                .then(|| n.network_interface_id.clone())
        })
    })
}

/// Sets (or clears) the public address of an interface, in every copy of it.
fn set_public(snap: &mut Snapshot, eni: &str, assoc: Option<IpAssociation>) {
    if let Some(n) = snap.network_interfaces.get_mut(eni) {
        n.association = assoc.clone();
        for p in n.private_ip_addresses.iter_mut().filter(|p| p.primary) {
            p.association = assoc.clone();
        }
    }
    for inst in snap.instances.values_mut() {
        let mut primary = false;
        for n in inst.network_interfaces.iter_mut() {
            if n.network_interface_id == eni {
                n.association = assoc.clone();
                for p in n.private_ip_addresses.iter_mut().filter(|p| p.primary) {
                    p.association = assoc.clone();
                }
                primary = n
                    .attachment
                    .as_ref()
                    .and_then(|a| a.device_index)
                    .unwrap_or(0)
                    == 0;
            }
        }
        if primary {
            inst.public_ip_address = assoc.as_ref().and_then(|a| a.public_ip.clone());
        }
    }
}

pub fn allocate(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let ip = ev.resp_text("publicIp");
    let id = ev.resp_text("allocationId");
    let key = id.clone().or(ip.clone()).ok_or_else(|| {
        unappliable(
            "AllocateAddress",
            "response has neither allocationId nor publicIp",
        )
    })?;
    let addr = Address {
        public_ip: ip,
        allocation_id: id,
        domain: ev.resp_text("domain"),
        ..Default::default()
    };
    snap.addresses.insert(key, addr);
    // An unassociated address reaches nothing.
    Ok(Outcome::Applied(Vec::new()))
}

pub fn associate(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let key = address_key(snap, ev)?;
    let eni = match ev.req_text("networkInterfaceId") {
        Some(e) => e,
        None => {
            let inst = ev
                .req_text("instanceId")
                .ok_or_else(|| unappliable(&key, "request names no instance or interface"))?;
            primary_eni(snap, &inst).ok_or_else(|| {
                unappliable(inst, "instance's primary interface is not in the model")
            })?
        }
    };
    let mut touched = vec![Touched::Eni(eni.clone())];
    let old = snap.addresses[&key].network_interface_id.clone();
    if let Some(old) = old.filter(|o| *o != eni) {
        set_public(snap, &old, None);
        touched.push(Touched::Eni(old));
    }
    // The address it replaces on that interface's (primary) private address is
    // disassociated by AWS.
    let private = ev.req_text("privateIpAddress");
    for (k, other) in snap.addresses.iter_mut() {
        let same_slot = other.network_interface_id.as_deref() == Some(eni.as_str())
            && (private.is_none() || other.private_ip_address == private);
        if *k != key && same_slot {
            other.association_id = None;
            other.network_interface_id = None;
            other.instance_id = None;
            other.private_ip_address = None;
        }
    }
    let addr = snap.addresses.get_mut(&key).expect("looked up above");
    addr.association_id = ev.resp_text("associationId");
    addr.network_interface_id = Some(eni.clone());
    addr.instance_id = ev.req_text("instanceId");
    addr.private_ip_address = private;
    let assoc = IpAssociation {
        public_ip: addr.public_ip.clone(),
        allocation_id: addr.allocation_id.clone(),
        association_id: addr.association_id.clone(),
        ..Default::default()
    };
    set_public(snap, &eni, Some(assoc));
    Ok(Outcome::Applied(touched))
}

pub fn disassociate(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let key = match ev.req_text("associationId") {
        Some(id) => (snap.addresses.iter())
            .find(|(_, a)| a.association_id.as_deref() == Some(id.as_str()))
            .map(|(k, _)| k.clone())
            .ok_or_else(|| unappliable(id, "Elastic IP association is not in the model"))?,
        None => address_key(snap, ev)?,
    };
    let addr = snap.addresses.get_mut(&key).expect("found above");
    let eni = addr.network_interface_id.take();
    addr.association_id = None;
    addr.instance_id = None;
    addr.private_ip_address = None;
    let Some(eni) = eni else {
        return Ok(Outcome::Applied(Vec::new()));
    };
    set_public(snap, &eni, None);
    let touched = vec![Touched::Eni(eni.clone())];
    // A primary interface in a subnet that maps public addresses may get a new one.
    let subnet = snap
        .network_interfaces
        .get(&eni)
        .and_then(|n| n.subnet_id.clone());
    let maps_public = subnet
        .and_then(|s| snap.subnets.get(&s))
        .is_some_and(|s| s.map_public_ip_on_launch);
    if maps_public {
        return Ok(Outcome::Partial {
            touched,
            resource: eni,
            reason: "AWS may give the interface a new public IPv4 address".into(),
        });
    }
    Ok(Outcome::Applied(touched))
}

pub fn release(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let key = address_key(snap, ev)?;
    let addr = snap.addresses.remove(&key).expect("found above");
    let touched = addr.network_interface_id.map(|eni| {
        set_public(snap, &eni, None);
        Touched::Eni(eni)
    });
    Ok(Outcome::Applied(touched.into_iter().collect()))
}

fn groups_of(v: &Value, key: &str) -> Vec<GroupIdentifier> {
    items(v, key)
        .into_iter()
        .filter_map(|g| {
            Some(GroupIdentifier {
                group_id: text(g, "groupId")?,
                group_name: text(g, "groupName"),
            })
        })
        .collect()
}

/// Whether the launch asked for (or the subnet gives) a public IPv4 address.
fn launch_public(snap: &Snapshot, ev: &ChangeEvent, subnet: Option<&str>) -> bool {
    let asked = items(&ev.request, "networkInterfaceSet")
        .into_iter()
        .find(|n| int(n, "deviceIndex").unwrap_or(0) == 0)
        .and_then(|n| boolean(n, "associatePublicIpAddress"));
    asked.unwrap_or_else(|| {
        subnet
            .and_then(|s| snap.subnets.get(s))
            .is_some_and(|s| s.map_public_ip_on_launch)
    })
}

/// `RunInstances`: each launched instance and its interfaces, from the response.
pub fn run_instances(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let launched = items(&ev.response, "instancesSet");
    if launched.is_empty() {
        return Err(unappliable("RunInstances", "response lists no instance"));
    }
    let mut touched = Vec::new();
    let mut pending = Vec::new();
    for item in launched {
        let id = text(item, "instanceId")
            .ok_or_else(|| unappliable("RunInstances", "launched instance has no id"))?;
        let subnet = text(item, "subnetId");
        let public = launch_public(snap, ev, subnet.as_deref());
        let mut inst = Instance {
            instance_id: id.clone(),
            image_id: text(item, "imageId"),
            instance_type: text(item, "instanceType"),
            private_ip_address: text(item, "privateIpAddress"),
            subnet_id: subnet.clone(),
            vpc_id: text(item, "vpcId"),
            state: Some(InstanceState {
                code: get(item, "instanceState").and_then(|s| int(s, "code")),
                name: (get(item, "instanceState").and_then(|s| text(s, "name")))
                    .unwrap_or_else(|| "pending".into()),
            }),
            security_groups: groups_of(item, "groupSet"),
            launch_time: text(item, "launchTime"),
            owner_id: ev.account.clone(),
            ..Default::default()
        };
        for n in items(item, "networkInterfaceSet") {
            let Some(eni) = launched_eni(n, &inst, public) else {
                return Err(unappliable(&id, "launched interface has no id"));
            };
            touched.push(Touched::Eni(eni.network_interface_id.clone()));
            for g in &eni.groups {
                touched.push(Touched::GroupMembers(g.group_id.clone()));
            }
            inst.network_interfaces.push(eni);
        }
        if public {
            inst.public_ip_address = Some(PENDING_PUBLIC_IP.into());
            pending.push(id.clone());
        }
        touched.push(Touched::Instance(id.clone()));
        snap.instances.insert(id, inst);
    }
    if pending.is_empty() {
        return Ok(Outcome::Applied(touched));
    }
    Ok(Outcome::Partial {
        touched,
        resource: pending.join(","),
        reason: "the public IPv4 address is assigned after the launch event".into(),
    })
}

fn launched_eni(n: &Value, inst: &Instance, public: bool) -> Option<InstanceNetworkInterface> {
    let att = get(n, "attachment");
    let device_index = att.and_then(|a| int(a, "deviceIndex"));
    let groups = groups_of(n, "groupSet");
    let primary = device_index.unwrap_or(0) == 0;
    Some(InstanceNetworkInterface {
        network_interface_id: text(n, "networkInterfaceId")?,
        subnet_id: text(n, "subnetId").or(inst.subnet_id.clone()),
        vpc_id: text(n, "vpcId").or(inst.vpc_id.clone()),
        private_ip_address: text(n, "privateIpAddress"),
        association: (public && primary).then(|| IpAssociation {
            public_ip: Some(PENDING_PUBLIC_IP.into()),
            ..Default::default()
        }),
        groups: if groups.is_empty() {
            inst.security_groups.clone()
        } else {
            groups
        },
        attachment: Some(Attachment {
            attachment_id: att.and_then(|a| text(a, "attachmentId")),
            instance_id: Some(inst.instance_id.clone()),
            device_index: Some(device_index.unwrap_or(0)),
            status: att.and_then(|a| text(a, "status")),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// Replaces an interface's groups in every copy; the old and new groups' members change.
fn set_eni_groups(snap: &mut Snapshot, eni: &str, groups: Vec<GroupIdentifier>) -> Vec<Touched> {
    let mut old = Vec::new();
    if let Some(n) = snap.network_interfaces.get_mut(eni) {
        old.extend(std::mem::replace(&mut n.groups, groups.clone()));
    }
    for inst in snap.instances.values_mut() {
        let mut primary = false;
        for n in inst.network_interfaces.iter_mut() {
            if n.network_interface_id == eni {
                old.extend(std::mem::replace(&mut n.groups, groups.clone()));
                primary = n
                    .attachment
                    .as_ref()
                    .and_then(|a| a.device_index)
                    .unwrap_or(0)
                    == 0;
            }
        }
        if primary {
            inst.security_groups = groups.clone();
        }
    }
    let mut touched = vec![Touched::Eni(eni.to_string())];
    for g in old.iter().chain(&groups) {
        touched.push(Touched::GroupMembers(g.group_id.clone()));
    }
    touched
}

fn known_eni(snap: &Snapshot, eni: &str) -> bool {
    snap.network_interfaces.contains_key(eni)
        || (snap.instances.values()).any(|i| {
            i.network_interfaces
                .iter()
                .any(|n| n.network_interface_id == eni)
        })
}

/// `ModifyNetworkInterfaceAttribute`: only the group set changes reachability.
pub fn modify_eni_groups(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let groups = groups_of(&ev.request, "groupSet");
    if groups.is_empty() {
        return Ok(Outcome::NotNetwork);
    }
    let eni = ev
        .req_text("networkInterfaceId")
        .ok_or_else(|| unappliable(&ev.event_name, "request names no interface"))?;
    if !known_eni(snap, &eni) {
        return Err(unappliable(eni, "interface is not in the model"));
    }
    Ok(Outcome::Applied(set_eni_groups(snap, &eni, groups)))
}

/// `ModifyInstanceAttribute --groups`: the instance's primary interface's groups.
pub fn modify_instance_groups(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let groups = groups_of(&ev.request, "groupSet");
    if groups.is_empty() {
        return Ok(Outcome::NotNetwork);
    }
    let inst = ev
        .req_text("instanceId")
        .ok_or_else(|| unappliable(&ev.event_name, "request names no instance"))?;
    let eni = primary_eni(snap, &inst)
        .ok_or_else(|| unappliable(&inst, "instance's primary interface is not in the model"))?;
    let mut touched = set_eni_groups(snap, &eni, groups);
    touched.push(Touched::Instance(inst));
    Ok(Outcome::Applied(touched))
}
