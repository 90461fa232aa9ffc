//! A browser-ish HTTP client for the dashboard tests (keeps the session cookie, follows
//! no redirect) and the fixtures they share.
use kensa_server::auth::Role;
use serde_json::json;

use crate::common::{call, TestServer};

/// A browser-ish client: keeps the session cookie, follows no redirect.
pub struct Browser<'a> {
    server: &'a TestServer,
    pub cookie: Option<String>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a TestServer) -> Self {
        Browser {
            server,
            cookie: None,
        }
    }

    fn send(&mut self, method: &str, path: &str, form: Option<&str>) -> Page {
        self.send_with(method, path, form, &[])
    }

    pub fn send_with(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Page {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(self.server.url(path));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c.as_str());
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let res = match form {
            Some(f) => agent.run(
                req.header("content-type", "application/x-www-form-urlencoded")
                    .body(f.to_string())
                    .unwrap(),
            ),
            None => agent.run(req.body(()).unwrap()),
        };
        let mut res = res.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let headers: Vec<(String, String)> = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        if let Some((_, set)) = headers.iter().find(|(k, _)| k == "set-cookie") {
            let pair = set.split(';').next().unwrap_or("").to_string();
            self.cookie = (!pair.ends_with('=')).then_some(pair);
        }
        Page {
            status: res.status().as_u16(),
            location: headers
                .iter()
                .find(|(k, _)| k == "location")
                .map(|(_, v)| v.clone()),
            body: res.body_mut().read_to_string().unwrap_or_default(),
            headers,
        }
    }

    pub fn get(&mut self, path: &str) -> Page {
        self.send("GET", path, None)
    }

    pub fn post(&mut self, path: &str, form: &str) -> Page {
        self.send("POST", path, Some(form))
    }
}

/// The value of the CSRF hidden field on a page.
pub fn csrf_of(body: &str) -> String {
    let at = body
        .find("name=\"csrf_token\" value=\"")
        .expect("a CSRF field on the page");
    let rest = &body[at + "name=\"csrf_token\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// A target and a template over the demo account, created through the API.
pub fn demo_template(server: &TestServer) {
    let admin = server.token(Role::Admin);
    let t = call(
        "POST",
        &server.url("/api/v1/targets"),
        Some(admin),
        &[],
        Some(&json!({"name": "demo"})),
    );
    assert_eq!(t.status, 201, "{}", t.body);
    let tpl = call(
        "POST",
        &server.url("/api/v1/templates"),
        Some(admin),
        &[],
        Some(&json!({"name": "weekly", "target": "demo",
            "packages": ["network-reachability", "config"], "user_attributes": ["team=sec"]})),
    );
    assert_eq!(tpl.status, 201, "{}", tpl.body);
}
