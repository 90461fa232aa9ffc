//! Reachability engine: which ports of which instances can be reached from the Internet, peered VPCs, VPN and transit gateways.
#![forbid(unsafe_code)]
