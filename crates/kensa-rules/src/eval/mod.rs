//! The evaluators that several checks share (security groups open to the world, network
//! ACLs, instance and storage helpers). A check file under `src/checks/` calls one of
//! these with its parameters; logic used by one check only lives in that check's file.
pub mod compute;
pub mod network;
pub mod sg_open;
pub mod storage;

use kensa_model::Severity;

/// The high-risk ports of FSBP EC2.19 and the default of `vpc-sg-port-restriction-check`.
pub const HIGH_RISK_PORTS: &str = "20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300";

/// Remote server administration ports (CIS 5.1-5.3, FSBP EC2.21/53/54): SSH and RDP.
pub const REMOTE_ADMIN_PORTS: [u16; 2] = [22, 3389];

/// One level less severe (Informational stays).
pub(crate) fn lower(s: Severity) -> Severity {
    match s {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Informational => Severity::Informational,
    }
}
