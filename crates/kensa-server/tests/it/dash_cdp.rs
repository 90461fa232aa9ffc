//! A small Chrome DevTools Protocol client for the browser test: starts headless
//! Chromium on a free port with a throw-away profile, connects to its page over a
//! WebSocket and sends commands one at a time, keeping console and CSP messages.
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

pub struct Chromium {
    child: Child,
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Console messages and log entries (CSP violations land here).
    pub console: Vec<String>,
    _profile: tempfile::TempDir,
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The browser to drive: `KENSA_CHROMIUM`, else Debian's /usr/bin/chromium.
pub fn chromium_path() -> Option<String> {
    std::env::var("KENSA_CHROMIUM")
        .ok()
        .or_else(|| Some("/usr/bin/chromium".to_string()))
        .filter(|p| std::path::Path::new(p).exists())
}

impl Chromium {
    pub fn launch(path: &str, width: u32, height: u32) -> Chromium {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(path)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                &format!("--window-size={width},{height}"),
                &format!("--user-data-dir={}", profile.path().display()),
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {path}: {e}"));
        let port = devtools_port(&mut child);
        let socket = connect_page(port);
        let mut browser = Chromium {
            child,
            socket,
            next_id: 0,
            console: Vec::new(),
            _profile: profile,
        };
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            browser.call(domain, json!({}));
        }
        browser
    }

    /// Sends a command and returns its result (events that arrive meanwhile are kept
    /// when they are console or log messages).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.socket.send(Message::text(msg)).unwrap();
        loop {
            let text = match self
                .socket
                .read()
                .unwrap_or_else(|e| panic!("{method}: {e}"))
            {
                Message::Text(t) => t.to_string(),
                _ => continue,
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["id"].as_u64() == Some(id) {
                if let Some(err) = v.get("error") {
                    panic!("{method}: {err}");
                }
                return v["result"].clone();
            }
            self.keep_event(&v);
        }
    }

    fn keep_event(&mut self, v: &Value) {
        match v["method"].as_str() {
            Some("Log.entryAdded") => self
                .console
                .push(v["params"]["entry"]["text"].as_str().unwrap_or("").into()),
            Some("Runtime.consoleAPICalled") => self.console.push(v["params"].to_string()),
            Some("Runtime.exceptionThrown") => self.console.push(v["params"].to_string()),
            _ => {}
        }
    }

    /// Evaluates `expr` in the page and returns its value.
    pub fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("`{expr}` threw: {e}");
        }
        r["result"]["value"].clone()
    }

    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for("document.readyState === 'complete'", 20);
    }

    /// Polls `condition` (a JS expression) until it is true; panics after `secs`.
    pub fn wait_for(&mut self, condition: &str, secs: u64) {
        let until = Instant::now() + Duration::from_secs(secs);
        let expr = format!(
            "(() => {{ try {{ return !!({condition}); }} catch (e) {{ return false; }} }})()"
        );
        while Instant::now() < until {
            if self.eval(&expr) == Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(150));
        }
        let url = self.eval("location.href");
        panic!("waited {secs} s for `{condition}` on {url}");
    }

    /// A PNG of the page, as tall as its content up to 1800 pixels.
    pub fn screenshot(&mut self, path: &std::path::Path) {
        let width = self
            .eval("document.documentElement.clientWidth")
            .as_f64()
            .unwrap();
        let height = self
            .eval("document.documentElement.scrollHeight")
            .as_f64()
            .unwrap()
            .min(1800.0);
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}),
        );
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

/// Reads "DevTools listening on ws://127.0.0.1:PORT/..." from Chromium's stderr.
fn devtools_port(child: &mut Child) -> u16 {
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let port = loop {
        let line = lines
            .next()
            .expect("Chromium exited before announcing its DevTools port")
            .unwrap();
        if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // Keep draining stderr so Chromium never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    port
}

/// The WebSocket of the first page target.
fn connect_page(port: u16) -> WebSocket<TcpStream> {
    let list: Value = ureq::get(&format!("http://127.0.0.1:{port}/json/list"))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let url = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "page")
        .and_then(|t| t["webSocketDebuggerUrl"].as_str())
        .expect("a page target")
        .to_string();
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let (socket, _) = tungstenite::client(url.as_str(), stream).unwrap();
    socket
}
