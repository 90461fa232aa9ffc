//! Roles: viewer (read), operator (start/cancel runs, apply and roll back
//! remediation), admin (tokens, settings, audit log). Each includes the ones below.
use std::fmt;
use std::str::FromStr;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
/// What a token may do; each role may do everything the ones below it may.
pub enum Role {
    /// Reads everything but tokens, account roles and the audit log.
    Viewer,
    /// Also starts and cancels runs, rolls back remediation journals.
    Operator,
    /// Also manages targets, templates, schedules, account roles and tokens, and reads
    /// the audit log.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// The role as written in tokens, the API and the README (`viewer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role `{s}` (expected viewer, operator or admin)"))
    }
}
