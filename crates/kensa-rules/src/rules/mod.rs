//! The rules, one file each, and the one registry that lists them.

pub mod cis_5_1;
pub mod cis_5_2;
pub mod cis_5_3;
pub mod cis_5_4;
pub mod cis_5_5;
pub mod cis_5_6;
pub mod default_sg_closed;
pub mod ebs_encryption_by_default;
pub mod ebs_snapshot_public_restorable;
pub mod encrypted_volumes;
pub mod fsbp_ec2_1;
pub mod fsbp_ec2_12;
pub mod fsbp_ec2_13;
pub mod fsbp_ec2_14;
pub mod fsbp_ec2_15;
pub mod fsbp_ec2_16;
pub mod fsbp_ec2_170;
pub mod fsbp_ec2_172;
pub mod fsbp_ec2_18;
pub mod fsbp_ec2_180;
pub mod fsbp_ec2_182;
pub mod fsbp_ec2_19;
pub mod fsbp_ec2_2;
pub mod fsbp_ec2_21;
pub mod fsbp_ec2_23;
pub mod fsbp_ec2_25;
pub mod fsbp_ec2_3;
pub mod fsbp_ec2_53;
pub mod fsbp_ec2_54;
pub mod fsbp_ec2_6;
pub mod fsbp_ec2_7;
pub mod fsbp_ec2_8;
pub mod fsbp_ec2_9;
pub mod imdsv2_check;
pub mod instance_no_public_ip;
pub mod restricted_common_ports;
pub mod restricted_ssh;
pub mod sg_open_only_to_authorized_ports;
pub mod sg_port_restriction_check;
pub mod subnet_auto_assign_public_ip;
pub mod vpc_flow_logs_enabled;

use crate::rule::Rule;

/// The high-risk ports of FSBP EC2.19 and the default of `vpc-sg-port-restriction-check`.
pub const HIGH_RISK_PORTS: &str = "20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300";

/// Remote server administration ports (CIS 5.1-5.3, FSBP EC2.21/53/54): SSH and RDP.
pub const REMOTE_ADMIN_PORTS: [u16; 2] = [22, 3389];

/// Every rule kensa has, in registry order. One line per rule.
pub static RULES: &[Rule] = &[
    restricted_ssh::RESTRICTED_SSH,
    restricted_common_ports::RESTRICTED_COMMON_PORTS,
    sg_open_only_to_authorized_ports::SG_OPEN_ONLY_TO_AUTHORIZED_PORTS,
    sg_port_restriction_check::SG_PORT_RESTRICTION_CHECK,
    instance_no_public_ip::INSTANCE_NO_PUBLIC_IP,
    ebs_encryption_by_default::EBS_ENCRYPTION_BY_DEFAULT,
    encrypted_volumes::ENCRYPTED_VOLUMES,
    imdsv2_check::IMDSV2_CHECK,
    default_sg_closed::DEFAULT_SG_CLOSED,
    vpc_flow_logs_enabled::VPC_FLOW_LOGS_ENABLED,
    subnet_auto_assign_public_ip::SUBNET_AUTO_ASSIGN_PUBLIC_IP,
    ebs_snapshot_public_restorable::EBS_SNAPSHOT_PUBLIC_RESTORABLE,
    fsbp_ec2_1::FSBP_EC2_1,
    fsbp_ec2_2::FSBP_EC2_2,
    fsbp_ec2_3::FSBP_EC2_3,
    fsbp_ec2_6::FSBP_EC2_6,
    fsbp_ec2_7::FSBP_EC2_7,
    fsbp_ec2_8::FSBP_EC2_8,
    fsbp_ec2_9::FSBP_EC2_9,
    fsbp_ec2_12::FSBP_EC2_12,
    fsbp_ec2_13::FSBP_EC2_13,
    fsbp_ec2_14::FSBP_EC2_14,
    fsbp_ec2_15::FSBP_EC2_15,
    fsbp_ec2_16::FSBP_EC2_16,
    fsbp_ec2_18::FSBP_EC2_18,
    fsbp_ec2_19::FSBP_EC2_19,
    fsbp_ec2_21::FSBP_EC2_21,
    fsbp_ec2_23::FSBP_EC2_23,
    fsbp_ec2_25::FSBP_EC2_25,
    fsbp_ec2_53::FSBP_EC2_53,
    fsbp_ec2_54::FSBP_EC2_54,
    fsbp_ec2_170::FSBP_EC2_170,
    fsbp_ec2_172::FSBP_EC2_172,
    fsbp_ec2_180::FSBP_EC2_180,
    fsbp_ec2_182::FSBP_EC2_182,
    cis_5_1::CIS_5_1,
    cis_5_2::CIS_5_2,
    cis_5_3::CIS_5_3,
    cis_5_4::CIS_5_4,
    cis_5_5::CIS_5_5,
    cis_5_6::CIS_5_6,
];
