//! Reachability engine: which ports of which instances can be reached from the Internet,
//! peered VPCs, VPN gateways and transit gateways, through which path, and why.
//!
//! * [`engine::analyze`] computes, for every ENI and internet-facing load balancer, the
//!   exact flow sets per source class (see [`engine`] for the semantics);
//! * [`findings::stream`] turns them into Inspector-style findings, one resource at a
//!   time ([`findings::findings`] collects them);
//! * [`path::query`] answers one question about one packet, hop by hop, like VPC
//!   Reachability Analyzer.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod appliance;
mod egress;
pub mod engine;
mod fasthash;
pub mod findings;
pub mod flow;
mod hops;
mod hops_tgw;
pub mod indeterminate;
pub mod index;
pub mod lb;
mod onprem;
pub mod packet;
pub mod path;
mod path_component;
mod path_lb;
mod path_onprem;
pub mod ports;
pub mod public;
pub mod rangeset;
pub mod rules;
pub mod scope;
mod sg;
pub mod tgw;

pub use engine::{analyze, Analysis, SourceClass};
