//! The built-in framework tables, in the form custom frameworks use (see
//! [`crate::framework`]). This list is their only registration; the registry reads each
//! table once and binds its controls to the checks they name.

macro_rules! register {
    ($($file:literal),* $(,)?) => {
        /// `(file name, YAML text)` of every built-in table, in registry order.
        pub(crate) static TABLES: &[(&str, &str)] = &[$(($file, include_str!($file))),*];
    };
}

register! {
    "aws-config.yaml",
    "fsbp.yaml",
    "cis-aws-3.0.yaml",
    "cis-aws-4.0.yaml",
    "cis-aws-5.0.yaml",
    "pci-dss-4.0.yaml",
    "kensa.yaml",
}
