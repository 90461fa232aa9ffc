//! kensa-agent: collects host telemetry ([`collect()`], module [`mod@collect`]) and delivers it to `kensa serve`
//! ([`deliver`]): outbound HTTPS only, spooled on disk while the server is away.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod collect;
pub mod deliver;
pub mod imds;
pub mod watch;

pub use collect::{collect, Options};
pub use deliver::{Agent, CycleReport, DeliverError, Settings};
