//! kensa-host integration tests: the registry's rules, their outcomes on fixture hosts
//! (root filesystems and telemetry), and agreement with OpenSCAP.
mod expectations;
mod kernel;
mod openscap;
mod raise;
mod reach;
mod registry;
mod support;
