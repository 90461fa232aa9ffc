//! Integration tests of kensa-aws against moto's server (one test binary).

mod moto;
mod trail_pipeline;
mod trail_watch;
