//! kensa-net integration tests (one binary, several modules).
mod build;
mod components;
mod corpus;
mod demo;
mod egress;
mod facts;
mod indeterminate;
mod malformed;
mod onprem;
mod reference;
mod scope;
mod stream;
mod tgw;
mod tgw_asym;
