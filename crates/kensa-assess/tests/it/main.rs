//! kensa-assess's tests: runs that notify.
mod export;
mod http;
mod notify;
