//! kensa-assess's tests: runs that notify and export; runs of live units given up.
mod export;
mod http;
mod notify;
mod units;
