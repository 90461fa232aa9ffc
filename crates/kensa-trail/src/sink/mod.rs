//! Alert outputs that leave the process.

pub mod webhook;
