//! kensa-net integration tests (one binary, several modules).
mod build;
mod facts;
mod malformed;
mod reference;
