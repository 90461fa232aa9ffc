//! kensa-agent integration tests: real collection on this machine, and delivery to an
//! in-process server.
mod alerts;
mod collect;
mod delivery;
mod hostile;
mod pinning;
mod server;
mod watch;
