//! kensa-aws integration tests against moto's server (one test binary; each test skips
//! with a notice when no moto server is installed; CI always has one).
mod cli_shape;
mod collect;
mod concurrency;
mod controls;
mod env;
mod notify_sns;
mod organization;
mod plan_coverage;
mod remediate;
mod remediate_quota;
mod securityhub;
mod snapshot;
mod throttle;
mod trail_pipeline;
mod trail_setup;
mod trail_watch;

/// Starts moto or returns from the test with a notice.
#[macro_export]
macro_rules! moto_or_skip {
    () => {
        match kensa_aws::testing::MotoServer::start() {
            Some(m) => m,
            None => return,
        }
    };
}
