//! Every check, one file each. This list is the only registration: it declares the
//! modules and builds [`CHECKS`]; framework tables (`src/frameworks/`) name checks by
//! their `name`.

macro_rules! register {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every check kensa has, in registration order.
        pub static CHECKS: &[&crate::check::Check] = &[$(&$module::CHECK),*];
    };
}

register! {
    sg_ssh_open_to_world,
    sg_common_ports_open_to_world,
    sg_unauthorized_port_open_to_world,
    sg_restricted_port_open_to_world,
    instance_has_public_ipv4,
    ebs_encryption_by_default_disabled,
    attached_volume_unencrypted,
    instance_allows_imdsv1,
    default_sg_allows_traffic,
    vpc_without_flow_log,
    subnet_auto_assigns_public_ip,
    snapshot_publicly_restorable,
    elastic_ip_unused,
    sg_rdp_open_to_world,
    network_acl_unused,
    sg_high_risk_port_open_to_world,
    nacl_admin_ports_open_to_world,
    tgw_auto_accepts_attachments,
    launch_template_assigns_public_ip,
    sg_admin_ports_open_to_ipv4_world,
    sg_admin_ports_open_to_ipv6_world,
    launch_template_allows_imdsv1,
    vpc_block_public_access_off,
    eni_source_dest_check_disabled,
    snapshot_block_public_access_off,
    peering_route_too_broad,
    ami_public,
    sg_unused,
}
