//! A server on an ephemeral loopback port, tokens of every role, an HTTP client, and a
//! capture of every log line the process writes (to check no secret is ever logged).
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use kensa_server::auth::{token, Role};
use kensa_server::{AppState, ServerConfig};
use kensa_store::{Location, Store};

/// Every log line written by any test in this binary (DEBUG and up).
pub fn captured_logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buf.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        buf
    })
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct TestServer {
    pub base: String,
    /// Serves until the test ends.
    _rt: tokio::runtime::Runtime,
    /// Secrets by role: viewer, operator, admin.
    pub tokens: Vec<(Role, String)>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start(configure: impl FnOnce(&mut ServerConfig)) -> TestServer {
        captured_logs();
        let dir = tempfile::tempdir().unwrap();
        let location = Location::File(dir.path().join("store.db"));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut config = ServerConfig::new(location.clone());
        configure(&mut config);
        let (addr, tokens) = rt.block_on(async {
            let store = Store::open(&location).await.unwrap();
            let mut tokens = Vec::new();
            for role in Role::ALL {
                let (_, secret) = token::create(&store, &format!("test-{role}"), role)
                    .await
                    .unwrap();
                tokens.push((role, secret));
            }
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let state = AppState::new(store.clone(), Arc::new(config));
            let app =
                kensa_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
            tokio::spawn(async move { axum::serve(listener, app).await });
            (addr, tokens)
        });
        TestServer {
            base: format!("http://{addr}"),
            _rt: rt,
            tokens,
            _dir: dir,
        }
    }

    pub fn token(&self, role: Role) -> &str {
        &self.tokens.iter().find(|(r, _)| *r == role).unwrap().1
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A response: status, headers we check, body text.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub set_cookie: Option<String>,
    pub csp: Option<String>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// One request; `token` as Bearer, `cookie` and `csrf` as a browser would send them.
pub fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> Reply {
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = match body {
        Some(b) => agent().run(
            req.header("content-type", "application/json")
                .body(b.to_string())
                .unwrap(),
        ),
        None => agent().run(req.body(()).unwrap()),
    };
    let mut res = res.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    let content_type = header("content-type").unwrap_or_default();
    let set_cookie = header("set-cookie");
    let csp = header("content-security-policy");
    let body = res
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Reply {
        status: res.status().as_u16(),
        content_type,
        set_cookie,
        csp,
        body,
    }
}
