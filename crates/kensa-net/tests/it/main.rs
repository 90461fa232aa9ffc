//! kensa-net integration tests (one binary, several modules).
mod build;
mod corpus;
mod demo;
mod facts;
mod malformed;
mod reference;
mod tgw;
