//! A moto server for the tests: `$KENSA_MOTO_SERVER -H 127.0.0.1 -p <free port>` (or a
//! moto_server found in the usual places), killed on drop. Nothing leaves 127.0.0.1.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const REGION: &str = "us-east-1";

pub struct Moto {
    child: Child,
    port: u16,
}

fn find_moto() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KENSA_MOTO_SERVER") {
        return Some(PathBuf::from(p));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    [
        root.join(".venv/bin/moto_server"),
        PathBuf::from("/work/venv-moto/bin/moto_server"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

impl Moto {
    /// Starts moto, or prints a notice and returns `None` when it is not installed.
    pub fn start() -> Option<Moto> {
        let Some(program) = find_moto() else {
            eprintln!("notice: moto server not found (set KENSA_MOTO_SERVER); AWS test skipped");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port on 127.0.0.1");
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let mut moto = Moto { child, port };
        moto.wait_ready();
        Some(moto)
    }

    fn wait_ready(&mut self) {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("moto server exited early: {status}");
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("moto server did not listen on {addr} within 60 s");
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SDK configuration pointing at this server with dummy credentials.
    pub async fn sdk_config(&self) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(self.endpoint())
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                "testing", "testing", None, None, "moto",
            ))
            .load()
            .await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
