//! Configuration controls (AWS Config, Security Hub FSBP, CIS) over a kensa snapshot.
#![forbid(unsafe_code)]
