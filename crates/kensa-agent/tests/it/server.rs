//! An in-process kensa server on a fixed loopback address that can be stopped and
//! started again over the same store file (the agent's server going away and back).
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kensa_server::auth::{token, Role};
use kensa_server::{AppState, ServerConfig};
use kensa_store::{Location, Store};

pub struct Server {
    pub addr: SocketAddr,
    store_path: PathBuf,
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    tls: Option<kensa_server::TlsConfig>,
    rt: Option<tokio::runtime::Runtime>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// A free loopback address (bound and released: nothing listens there now).
    pub fn free_addr() -> SocketAddr {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
    }

    pub fn start(store_path: &Path, addr: SocketAddr) -> Server {
        Server::start_with(store_path, addr, None)
    }

    /// An HTTPS server (the certificate must name 127.0.0.1).
    pub fn start_tls(store_path: &Path, tls: kensa_server::TlsConfig) -> Server {
        Server::start_with(store_path, Server::free_addr(), Some(tls))
    }

    fn start_with(
        store_path: &Path,
        addr: SocketAddr,
        tls: Option<kensa_server::TlsConfig>,
    ) -> Server {
        let mut s = Server {
            addr,
            tls,
            store_path: store_path.to_path_buf(),
            rt: None,
            shutdown: None,
            serving: None,
        };
        s.restart();
        s
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    pub fn restart(&mut self) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let location = Location::File(self.store_path.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let addr = self.addr;
        let (listener, app) = rt.block_on(async move {
            let store = Store::open(&location).await.unwrap();
            let mut config = ServerConfig::new(location);
            // Above the agents' own 4 MiB limit, so that theirs is the one tested.
            config.body_limit = 16 << 20;
            let state = AppState::new(store, Arc::new(config));
            let app =
                kensa_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
            let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
            (listener, app)
        });
        let serving = match &self.tls {
            None => rt.spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await
                    .unwrap();
            }),
            Some(tls) => {
                let rustls = rt.block_on(async { tls.load() }).unwrap();
                let handle = axum_server::Handle::new();
                let stopper = handle.clone();
                rt.spawn(async move {
                    let _ = rx.await;
                    stopper.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
                });
                let std_listener = listener.into_std().unwrap();
                rt.spawn(async move {
                    axum_server::from_tcp_rustls(std_listener, rustls)
                        .handle(handle)
                        .serve(app)
                        .await
                        .unwrap();
                })
            }
        };
        self.rt = Some(rt);
        self.shutdown = Some(tx);
        self.serving = Some(serving);
    }

    /// Stops serving; the address refuses connections until [`Server::restart`].
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let (Some(rt), Some(serving)) = (self.rt.take(), self.serving.take()) {
            let _ = rt.block_on(async {
                tokio::time::timeout(std::time::Duration::from_secs(10), serving).await
            });
            rt.shutdown_timeout(std::time::Duration::from_secs(1));
        }
    }

    /// Runs a store query on the server's store file.
    pub fn store<T>(&self, f: impl AsyncFnOnce(Store) -> T) -> T {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let location = Location::File(self.store_path.clone());
        rt.block_on(async move { f(Store::open(&location).await.unwrap()).await })
    }

    /// An API token with a role (to make enrollment tokens, list agents).
    pub fn api_token(&self, name: &str, role: Role) -> String {
        self.store(async |store| token::create(&store, name, role).await.unwrap().1)
    }

    /// An enrollment token made through the API, as an operator does.
    pub fn enrollment_token(&self, name: &str) -> String {
        let operator = self.api_token(&format!("{name}-operator"), Role::Operator);
        let (status, body) = call(
            "POST",
            &format!("{}/api/v1/agents/enrollment-tokens", self.url()),
            &[("authorization", &format!("Bearer {operator}"))],
            Some(serde_json::json!({ "name": name }).to_string().into_bytes()),
        );
        assert_eq!(status, 201, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["secret"].as_str().unwrap().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One request; status and body text.
pub fn call(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> (u16, String) {
    // The test's own client: the agent's certificate checks are what is under test.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .disable_verification(true)
                .build(),
        )
        .build()
        .into();
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let has_json = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-encoding"));
    if !has_json {
        req = req.header("content-type", "application/json");
    }
    let resp = agent.run(req.body(body.unwrap_or_default()).unwrap());
    let mut resp = resp.unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap_or_default())
}
