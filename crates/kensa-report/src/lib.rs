//! Renderers for kensa findings: table, JSON, SARIF, ASFF, OCSF, CSV.
#![forbid(unsafe_code)]
