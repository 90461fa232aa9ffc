//! Questions about controls that other crates ask (the remediation helper, the CLI).
use std::collections::BTreeMap;

use crate::error::RulesError;
use crate::exposure::RestrictedPorts;
use crate::find_rule;

/// The ports a "security group open to the world" control forbids, with its default
/// parameters; `None` for an unknown control or one that is not about open ports.
///
/// `restricted_ports("EC2.19")` → TCP and UDP 20, 21, 22, …; `restricted_ports("fsbp:EC2.18")`
/// → everything but TCP 80 and 443.
pub fn restricted_ports(control_id: &str) -> Option<RestrictedPorts> {
    let rule = find_rule(control_id)?;
    rule.restricted_ports(&rule.defaults)
}

/// The same with parameters (`{"authorizedTcpPorts": "443"}`), validated.
pub fn restricted_ports_with(
    control_id: &str,
    params: &BTreeMap<String, String>,
) -> Result<Option<RestrictedPorts>, RulesError> {
    let rule = find_rule(control_id).ok_or_else(|| RulesError::UnknownRule(control_id.into()))?;
    let params = rule.params_with(params)?;
    Ok(rule.restricted_ports(&params))
}
