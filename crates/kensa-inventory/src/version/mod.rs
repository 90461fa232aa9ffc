//! Version comparison exactly as rpm, dpkg and apk do it.
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub mod apk;
pub mod deb;
pub mod rpm;

/// Which package manager's rules order the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// rpm `[epoch:]version[-release]` (Amazon Linux, RHEL family).
    Rpm,
    /// dpkg `[epoch:]upstream[-revision]` (Debian, Ubuntu).
    Deb,
    /// Alpine apk.
    Apk,
    /// Semantic versioning (npm, most OSV ecosystems).
    Semver,
    /// PEP 440 (PyPI), compared with a practical subset of the rules.
    Pep440,
    /// Maven / RubyGems style dotted versions.
    Generic,
}

impl Scheme {
    /// The scheme's name in advisory records and on the command line (`rpm`, `deb`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Rpm => "rpm",
            Scheme::Deb => "deb",
            Scheme::Apk => "apk",
            Scheme::Semver => "semver",
            Scheme::Pep440 => "pep440",
            Scheme::Generic => "generic",
        }
    }

    /// Orders two versions under this scheme, as the package manager sorts them
    /// (`kensa vuln vercmp`). Never fails: malformed versions still get the order the
    /// package manager would give them.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Scheme::Rpm => rpm::compare_evr(a, b),
            Scheme::Deb => deb::compare(a, b),
            Scheme::Apk => apk::compare(a, b),
            Scheme::Semver | Scheme::Pep440 | Scheme::Generic => lang::compare(self, a, b),
        }
    }

    /// Compares an installed version with an advisory's (fixed, introduced or last
    /// affected) version the way the distribution's updater decides whether the
    /// installed package satisfies it. Differs from [`Scheme::compare`] only for rpm,
    /// where a release missing on either side is ignored, as dnf does
    /// ([`rpm::compare_evr_advisory`]).
    pub fn compare_advisory(self, installed: &str, advisory: &str) -> Ordering {
        match self {
            Scheme::Rpm => rpm::compare_evr_advisory(installed, advisory),
            _ => self.compare(installed, advisory),
        }
    }

    /// Checks a version string; the error says what is wrong.
    pub fn validate(self, v: &str) -> Result<(), String> {
        if v.is_empty() {
            return Err("version string is empty".into());
        }
        if let Some(c) = v.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("version string contains {c:?}"));
        }
        match self {
            Scheme::Deb => deb::validate(v),
            Scheme::Apk => apk::validate(v),
            Scheme::Rpm => {
                let evr = rpm::Evr::split(v);
                if evr.version.is_empty() {
                    return Err("version part is empty".into());
                }
                if v[..v.find(':').unwrap_or(0)]
                    .bytes()
                    .any(|c| !c.is_ascii_digit())
                {
                    return Err("epoch is not a number".into());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "rpm" => Ok(Scheme::Rpm),
            "deb" | "dpkg" | "debian" => Ok(Scheme::Deb),
            "apk" | "alpine" => Ok(Scheme::Apk),
            "semver" | "npm" => Ok(Scheme::Semver),
            "pep440" | "pypi" => Ok(Scheme::Pep440),
            "generic" | "maven" | "gem" | "rubygems" => Ok(Scheme::Generic),
            other => Err(format!(
                "unknown version scheme `{other}` (expected rpm, deb or apk)"
            )),
        }
    }
}

/// The symbol `rpmdev-vercmp`/`dpkg --compare-versions` users expect for an ordering.
pub fn ordering_symbol(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

mod lang;
