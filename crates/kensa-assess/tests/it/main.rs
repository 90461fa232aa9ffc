//! kensa-assess's tests: runs that notify.
mod agents;
mod http;
mod notify;
