//! Reachability engine: which ports of which instances can be reached from the Internet,
//! peered VPCs, VPN gateways and transit gateways, through which path, and why.
#![forbid(unsafe_code)]

pub mod flow;
pub mod rangeset;
