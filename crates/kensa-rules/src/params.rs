//! Rule parameters: declared per rule with a kind and a default, validated on the way in.
use std::collections::BTreeMap;

use crate::error::ParamError;
use crate::ports::PortSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// What a parameter value must look like.
pub enum ParamKind {
    /// One port number.
    Port,
    /// Ports and ranges: `80, 443, 1024-2048`.
    Ports,
    /// One of the listed words (case-insensitive).
    Choice(&'static [&'static str]),
    /// Free text (a KMS key id, ...).
    Text,
}

/// A parameter a rule accepts, as AWS Config or Security Hub names it.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// The name, as AWS Config or Security Hub spells it.
    pub name: &'static str,
    /// What its value must look like.
    pub kind: ParamKind,
    /// The value used when none is given (`None`: the parameter is simply absent).
    pub default: Option<&'static str>,
    /// One line of documentation.
    pub doc: &'static str,
}

impl ParamSpec {
    fn check(&self, rule: &str, value: &str) -> Result<(), ParamError> {
        let err = |message: String| ParamError {
            rule: rule.to_string(),
            key: self.name.to_string(),
            message,
        };
        match self.kind {
            ParamKind::Port => value
                .trim()
                .parse::<u16>()
                .map(|_| ())
                .map_err(|_| err(format!("`{value}` is not a port number (0-65535)"))),
            ParamKind::Ports => PortSet::parse(value).map(|_| ()).map_err(err),
            ParamKind::Choice(choices) => {
                if choices.iter().any(|c| c.eq_ignore_ascii_case(value.trim())) {
                    Ok(())
                } else {
                    Err(err(format!(
                        "`{value}` is not one of {}",
                        choices.join(", ")
                    )))
                }
            }
            ParamKind::Text => Ok(()),
        }
    }
}

/// Validated parameter values of one rule (defaults filled in).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// The defaults of `specs`.
    pub fn defaults(specs: &[ParamSpec]) -> Params {
        let values = specs
            .iter()
            .filter_map(|s| s.default.map(|d| (s.name.to_string(), d.to_string())))
            .collect();
        Params { values }
    }

    /// Validates `given` against `specs`: unknown names and bad values are errors.
    pub fn validate(
        rule: &str,
        specs: &[ParamSpec],
        given: &BTreeMap<String, String>,
    ) -> Result<Params, ParamError> {
        Params::validate_over(&Params::defaults(specs), rule, specs, given)
    }

    /// Validates `given` against `specs` on top of `base` (a framework's values for the
    /// rule): unknown names and bad values are errors.
    pub fn validate_over(
        base: &Params,
        rule: &str,
        specs: &[ParamSpec],
        given: &BTreeMap<String, String>,
    ) -> Result<Params, ParamError> {
        let mut params = base.clone();
        for (key, value) in given {
            let spec = specs.iter().find(|s| s.name == key).ok_or_else(|| {
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                ParamError {
                    rule: rule.to_string(),
                    key: key.clone(),
                    message: if known.is_empty() {
                        "this rule takes no parameters".to_string()
                    } else {
                        format!("unknown parameter (known: {})", known.join(", "))
                    },
                }
            })?;
            spec.check(rule, value)?;
            params.values.insert(key.clone(), value.trim().to_string());
        }
        Ok(params)
    }

    /// A parameter's value, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// A `Port` or `Ports` parameter as a set (empty when absent). Values were validated.
    pub fn ports(&self, name: &str) -> PortSet {
        self.get(name)
            .and_then(|v| PortSet::parse(v).ok())
            .unwrap_or_default()
    }

    /// Every set parameter, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "blockedPort1",
            kind: ParamKind::Port,
            default: Some("20"),
            doc: "",
        },
        ParamSpec {
            name: "protocolType",
            kind: ParamKind::Choice(&["TCP", "UDP", "ALL"]),
            default: None,
            doc: "",
        },
    ];

    fn given(k: &str, v: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(k.to_string(), v.to_string())])
    }

    #[test]
    fn defaults_are_filled_and_overridden() {
        let p = Params::validate("r", SPECS, &BTreeMap::new()).unwrap();
        assert_eq!(p.get("blockedPort1"), Some("20"));
        let p = Params::validate("r", SPECS, &given("blockedPort1", "22")).unwrap();
        assert_eq!(p.ports("blockedPort1"), PortSet::single(22));
    }

    #[test]
    fn bad_values_and_unknown_names_are_named() {
        let e = Params::validate("r", SPECS, &given("blockedPort1", "ssh")).unwrap_err();
        assert_eq!(e.key, "blockedPort1");
        let e = Params::validate("r", SPECS, &given("protocolType", "icmp")).unwrap_err();
        assert!(e.message.contains("TCP, UDP, ALL"), "{e}");
        let e = Params::validate("r", SPECS, &given("blockedPort9", "1")).unwrap_err();
        assert!(e.message.contains("unknown parameter"), "{e}");
    }
}
