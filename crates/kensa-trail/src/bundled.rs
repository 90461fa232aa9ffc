//! Rule files compiled into kensa (kensa's own; third-party rule files are not bundled).

use crate::RuleSource;

/// (file name, contents) of each bundled rules file, in load order.
const BUNDLED: &[(&str, &str)] = &[];

/// The bundled rules, for [`crate::load_rule_sources`]; used when no rules are given.
pub fn bundled_rules() -> Vec<RuleSource> {
    BUNDLED
        .iter()
        .map(|(name, text)| RuleSource {
            name: format!("<bundled>/{name}"),
            text: text.to_string(),
        })
        .collect()
}
