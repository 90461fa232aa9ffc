//! kensa-assess's tests: runs that notify; runs of live units given up.
mod http;
mod notify;
mod units;
