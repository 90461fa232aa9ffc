//! Package vulnerability matching: rpm/dpkg/apk version comparison and vendor advisories.
#![forbid(unsafe_code)]

pub mod version;

pub use version::{ordering_symbol, Scheme};
