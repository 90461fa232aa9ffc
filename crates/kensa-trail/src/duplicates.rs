//! Records with duplicated keys. JSON parsers disagree on them (some keep the first
//! value, others the last), so an attacker who can write a record can show one value to
//! kensa and another to the tools downstream. kensa evaluates every value and reports the
//! record itself.

use crate::alert::Alert;
use crate::cond::Node;
use crate::fields::Ctx;
use crate::output::Template;
use crate::rules::{Priority, Rule};

/// The name of the built-in rule that reports such records.
pub const RULE_NAME: &str = "CloudTrail record with duplicated keys";

const OUTPUT: &str =
    "A CloudTrail record has duplicated keys, which JSON parsers read differently \
(event=%ct.name id=%ct.id user=%ct.user ip=%ct.srcip region=%ct.region)";

/// The built-in rule (always true; only applied to records with duplicated keys).
pub fn rule() -> Rule {
    Rule {
        name: RULE_NAME.into(),
        desc: "A record has the same key more than once; every value was evaluated".into(),
        priority: Priority::Error,
        tags: vec!["cloudtrail".into(), "parser_differential".into()],
        source: crate::SOURCE.into(),
        enabled: true,
        file: "<built-in>".into(),
        line: 0,
        condition: Node::And(Vec::new()),
        // The template only names known fields; it cannot fail to compile.
        output: Template::compile(OUTPUT).unwrap_or_else(|e| unreachable!("{e}")),
        event_names: None,
    }
}

/// The alert for one record, naming the duplicated keys (escaped, they are attacker text).
pub fn alert(rule: &Rule, ctx: &Ctx<'_, '_>, keys: &[&str], origin: &str) -> Alert {
    let mut alert = Alert::new(rule, ctx, origin);
    let names: Vec<String> = keys.iter().map(|k| k.escape_debug().to_string()).collect();
    alert.output.push_str(&format!(" keys={}", names.join(",")));
    alert
}
