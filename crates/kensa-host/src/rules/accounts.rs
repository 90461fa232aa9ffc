//! /etc/passwd and /etc/shadow account checks.
use crate::config::require;
use crate::{HostFacts, Outcome};

/// cis-shadowed-passwords: every /etc/passwd password field is `x`.
pub fn shadowed_passwords(facts: &HostFacts) -> Outcome {
    let text = match require(facts, "/etc/passwd") {
        Err(reason) => return Outcome::not_evaluated(reason),
        Ok(None) => return Outcome::not_evaluated("/etc/passwd is absent"),
        Ok(Some(t)) => t,
    };
    let mut bad = Vec::new();
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(':').collect();
        if line.trim().is_empty() || line.starts_with('#') || fields.len() < 2 {
            continue;
        }
        count += 1;
        if fields[1] != "x" {
            // The field itself may be a hash: name the account, never the value.
            bad.push(format!(
                "/etc/passwd:{}: account {} does not use /etc/shadow",
                n + 1,
                fields[0]
            ));
        }
    }
    Outcome::from_lists(
        bad,
        vec![format!("/etc/passwd: {count} account(s), all with `x`")],
    )
}

/// cis-shadow-empty-password: no empty /etc/shadow password field.
pub fn empty_shadow_passwords(facts: &HostFacts) -> Outcome {
    let text = match require(facts, "/etc/shadow") {
        Err(_) => {
            return Outcome::not_evaluated("/etc/shadow was not read (telemetry never carries it)")
        }
        Ok(None) => return Outcome::not_evaluated("/etc/shadow is absent"),
        Ok(Some(t)) => t,
    };
    let mut bad = Vec::new();
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(':').collect();
        if line.trim().is_empty() || fields.len() < 2 {
            continue;
        }
        count += 1;
        if fields[1].is_empty() {
            bad.push(format!(
                "/etc/shadow:{}: account {} has an empty password",
                n + 1,
                fields[0]
            ));
        }
    }
    Outcome::from_lists(
        bad,
        vec![format!(
            "/etc/shadow: {count} account(s), none with an empty password"
        )],
    )
}
