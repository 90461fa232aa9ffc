//! The page shell: head with the stylesheet and script, the navigation bar with the
//! signed-in token and a logout form, and the small pieces pages share (severity and
//! state badges, times).
use kensa_model::{FindingStatus, Severity};
use kensa_store::RunState;
use maud::{html, Markup, DOCTYPE};

use super::assets::{script_path, stylesheet_path};
use crate::auth::{csrf_token, Caller, Role, CSRF_FIELD};

/// Which navigation entry is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Overview,
    Runs,
    Findings,
    Compliance,
    Targets,
    Templates,
    Reach,
    Alerts,
    Remediation,
    Watch,
    Admin,
}

const NAV: [(Nav, &str, &str); 10] = [
    (Nav::Overview, "/", "Overview"),
    (Nav::Runs, "/runs", "Runs"),
    (Nav::Findings, "/findings", "Findings"),
    (Nav::Compliance, "/compliance", "Compliance"),
    (Nav::Targets, "/targets", "Targets"),
    (Nav::Templates, "/templates", "Templates"),
    (Nav::Reach, "/reach", "Can A reach B?"),
    (Nav::Alerts, "/alerts", "Alerts"),
    (Nav::Remediation, "/remediation", "Remediation"),
    (Nav::Watch, "/watch", "Watch"),
];

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · kensa" }
            link rel="stylesheet" href=(stylesheet_path());
            script src=(script_path()) defer {}
        }
    }
}

/// A full page for a signed-in caller. `refresh` reloads it every so many seconds (a
/// run still in progress).
pub fn page(title: &str, caller: &Caller, nav: Nav, refresh: Option<u32>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body data-refresh=[refresh] {
                header.top {
                    a.brand href="/" { "kensa" }
                    nav {
                        @for (entry, href, label) in NAV {
                            a href=(href) class=[(entry == nav).then_some("current")] { (label) }
                        }
                        @if caller.role >= Role::Admin {
                            a href="/admin" class=[(nav == Nav::Admin).then_some("current")] { "Admin" }
                        }
                    }
                    div.who {
                        span title="signed-in token" { (caller.name) }
                        span.role { (caller.role) }
                        form method="post" action="/logout" {
                            input type="hidden" name=(CSRF_FIELD) value=(csrf_token(caller));
                            button.link type="submit" { "Log out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page without navigation (login, errors).
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body.bare {
                header.top { a.brand href="/" { "kensa" } }
                main.narrow { (body) }
            }
        }
    }
}

/// A severity as a coloured label.
pub fn severity(s: Severity) -> Markup {
    html! { span class={ "sev sev-" (s.as_str().to_ascii_lowercase()) } { (s.as_str()) } }
}

pub fn status_name(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Active => "active",
        FindingStatus::Resolved => "resolved",
        FindingStatus::Suppressed => "suppressed",
    }
}

pub fn status(s: FindingStatus) -> Markup {
    html! { span class={ "status status-" (status_name(s)) } { (status_name(s)) } }
}

/// A run state as a coloured label.
pub fn run_state(s: RunState) -> Markup {
    let class = match s {
        RunState::Completed => "ok",
        RunState::CompletedWithErrors => "warn",
        RunState::Failed | RunState::Canceled => "bad",
        _ => "busy",
    };
    html! { span class={ "state state-" (class) } { (s.as_str()) } }
}

/// A stored timestamp (`2026-12-07T16:15:22Z` or with milliseconds) shown to the
/// second, the full value on hover.
pub fn time(at: &str) -> Markup {
    let short = at.get(..19).unwrap_or(at).replace('T', " ");
    html! { time datetime=(at) title=(at) { (short) } }
}

/// The hidden CSRF field every form carries.
pub fn csrf(caller: &Caller) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(csrf_token(caller)); }
}
