//! kensa-assess's tests: runs that notify and export; agents; runs of live units given up.
mod agents;
mod cve;
mod export;
mod http;
mod notify;
mod units;
