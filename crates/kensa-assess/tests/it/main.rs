//! kensa-assess's tests: runs that notify.
mod http;
mod notify;
