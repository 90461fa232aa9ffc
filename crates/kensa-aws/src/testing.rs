//! A moto server for tests (cargo feature `testing`).
//!
//! [`MotoServer::start`] runs `$KENSA_MOTO_SERVER -H 127.0.0.1 -p <free port>` (or a
//! `moto_server` found in the usual places), waits until it accepts connections, and
//! kills it on drop. Nothing ever reaches beyond 127.0.0.1. Tests build their
//! environments with the SDK clients from [`MotoServer::sdk_config`] and point kensa at
//! the server with [`MotoServer::target`] (in process) or [`MotoServer::env`] (a child
//! `kensa` process: `AWS_ENDPOINT_URL`, dummy credentials, `AWS_EC2_METADATA_DISABLED`).
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;

use crate::session::Target;

pub mod http_stub;

/// The account moto answers for with its default credentials.
pub const MOTO_ACCOUNT: &str = "123456789012";
/// The region tests use unless they say otherwise.
pub const TEST_REGION: &str = "us-east-1";

/// A running moto server; killed when dropped.
pub struct MotoServer {
    child: Child,
    port: u16,
    program: PathBuf,
}

impl MotoServer {
    /// Starts moto, or prints a visible notice and returns `None` when no moto server is
    /// installed (`KENSA_MOTO_SERVER` unset and none found). Panics only when moto is
    /// there but does not come up, which is a broken test environment.
    pub fn start() -> Option<MotoServer> {
        let Some(program) = find_moto() else {
            eprintln!("notice: moto server not found (set KENSA_MOTO_SERVER); AWS test skipped");
            return None;
        };
        let port = free_port();
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let mut server = MotoServer {
            child,
            port,
            program,
        };
        server.wait_ready();
        Some(server)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What kensa's library calls take to talk to this server.
    pub fn target(&self, regions: &[&str]) -> Target {
        Target {
            regions: regions.iter().map(|r| r.to_string()).collect(),
            endpoint_url: Some(self.endpoint()),
            static_credentials: Some(("testing".into(), "testing".into())),
            ..Target::default()
        }
    }

    /// An SDK configuration for building test environments in `region`.
    pub async fn sdk_config(&self, region: &str) -> SdkConfig {
        self.target(&[region]).base_config(Some(region)).await
    }

    /// Environment for a child process (the `kensa` binary) to reach this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_SESSION_TOKEN", "testing".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_DEFAULT_REGION", TEST_REGION.into()),
            ("AWS_REGION", TEST_REGION.into()),
            ("AWS_CONFIG_FILE", "/dev/null".into()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".into()),
        ]
    }

    /// The Python interpreter of moto's virtualenv (boto3 is installed with moto), for
    /// tests that write AWS-CLI-shaped JSON of the same environment.
    pub fn python(&self) -> Option<PathBuf> {
        let dir = self.program.parent()?;
        ["python3", "python"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
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
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `KENSA_MOTO_SERVER`, else `.venv/bin/moto_server` at the workspace root, else the
/// development venv, else `moto_server` on `PATH`.
fn find_moto() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KENSA_MOTO_SERVER") {
        return Some(PathBuf::from(p));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates = [
        root.join(".venv/bin/moto_server"),
        PathBuf::from("/work/venv-moto/bin/moto_server"),
    ];
    if let Some(found) = candidates.into_iter().find(|p| p.is_file()) {
        return Some(found);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("moto_server"))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on 127.0.0.1")
}

impl MotoServer {
    /// Creates a VPC and a security group in it with `rules` (ingress); returns the
    /// group id. For tests outside this crate, which do not link the SDK.
    pub async fn create_group(&self, name: &str, rules: &[crate::remediate::RuleSpec]) -> String {
        let ec2 = aws_sdk_ec2::Client::new(&self.sdk_config(TEST_REGION).await);
        let vpc = ec2
            .create_vpc()
            .cidr_block("10.9.0.0/16")
            .send()
            .await
            .expect("create vpc");
        let vpc = vpc
            .vpc()
            .and_then(|v| v.vpc_id())
            .expect("vpc id")
            .to_owned();
        let group = ec2
            .create_security_group()
            .group_name(name)
            .description(format!("kensa test {name}"))
            .vpc_id(&vpc)
            .send()
            .await
            .expect("create group");
        let id = group.group_id().expect("group id").to_owned();
        for r in rules {
            crate::remediate::live::authorize(&ec2, &id, r)
                .await
                .expect("authorize");
        }
        id
    }

    /// `DescribeSecurityGroups` of one group, in canonical order (see
    /// [`crate::remediate::rollback::canonical_groups`]).
    pub async fn group_json(&self, group_id: &str) -> serde_json::Value {
        let ec2 = aws_sdk_ec2::Client::new(&self.sdk_config(TEST_REGION).await);
        let state = crate::remediate::live::describe_group(&ec2, group_id)
            .await
            .expect("describe group");
        crate::remediate::rollback::canonical_groups(&state)
    }
}
