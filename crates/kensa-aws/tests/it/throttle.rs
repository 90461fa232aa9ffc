//! Throttling: a proxy in front of moto answers chosen EC2 actions with
//! `RequestLimitExceeded` (HTTP 503, EC2's error document), as AWS does when an account
//! goes over its request rate. A throttled call is retried and collected; a call that
//! stays throttled is a warning in manifest.json and the rest of the run is collected.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use kensa_aws::collect::{collect, CollectOptions};
use kensa_aws::testing::TEST_REGION;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::moto_or_skip;

const THROTTLED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>\
<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors>\
<RequestID>kensa-test</RequestID></Response>";

/// How many times each action is throttled before it is let through, and how many
/// requests of each action arrived.
#[derive(Default)]
struct Plan {
    throttle: BTreeMap<String, usize>,
    seen: BTreeMap<String, usize>,
}

/// Starts the proxy; returns its endpoint.
async fn proxy(upstream: String, plan: Arc<Mutex<Plan>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(serve(client, upstream.clone(), plan.clone()));
        }
    });
    format!("http://{addr}")
}

/// One request per connection (the proxy answers with `Connection: close`).
async fn serve(mut client: TcpStream, upstream: String, plan: Arc<Mutex<Plan>>) {
    let Some((head, body)) = read_request(&mut client).await else {
        return;
    };
    let body_text = String::from_utf8_lossy(&body);
    let action = body_text
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("")
        .to_owned();
    let throttle = {
        let mut plan = plan.lock().unwrap();
        *plan.seen.entry(action.clone()).or_default() += 1;
        match plan.throttle.get_mut(&action) {
            Some(left) if *left > 0 => {
                *left -= 1;
                true
            }
            _ => false,
        }
    };
    let response = if throttle {
        format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{THROTTLED}",
            THROTTLED.len()
        )
        .into_bytes()
    } else {
        forward(&upstream, &head, &body).await
    };
    let _ = client.write_all(&response).await;
    let _ = client.shutdown().await;
}

async fn read_request(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0usize);
    let mut body = buf[end..].to_vec();
    while body.len() < len {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

/// Sends the request to moto with `Connection: close` and returns its whole response.
async fn forward(upstream: &str, head: &str, body: &[u8]) -> Vec<u8> {
    let mut up = TcpStream::connect(upstream).await.unwrap();
    let head = head
        .lines()
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let request = format!("{head}\r\nConnection: close\r\n\r\n");
    up.write_all(request.as_bytes()).await.unwrap();
    up.write_all(body).await.unwrap();
    let mut response = Vec::new();
    up.read_to_end(&mut response).await.unwrap();
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_calls_are_retried_and_a_call_that_stays_throttled_is_a_warning() {
    let moto = moto_or_skip!();
    let upstream = moto.endpoint().trim_start_matches("http://").to_owned();
    let plan = Arc::new(Mutex::new(Plan::default()));
    {
        let mut p = plan.lock().unwrap();
        p.throttle.insert("DescribeSecurityGroups".into(), 3);
        p.throttle.insert("DescribeVpcs".into(), usize::MAX);
    }
    let endpoint = proxy(upstream, plan.clone()).await;
    let attempts = 5;
    let target = kensa_aws::session::Target {
        endpoint_url: Some(endpoint),
        retry: Some(
            RetryConfig::adaptive()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(50)),
        ),
        ..moto.target(&[TEST_REGION])
    };
    let out = tempfile::tempdir().unwrap();
    let manifest = collect(&target, &CollectOptions::quiet(out.path()))
        .await
        .expect("a throttled call never aborts the run");

    let region = out.path().join("aws_configs").join(TEST_REGION);
    // Throttled three times, then answered: collected, no warning.
    assert!(region.join("SecurityGroups.json").is_file());
    assert!(!manifest
        .warnings
        .iter()
        .any(|w| w.api == "ec2:DescribeSecurityGroups"));
    // Throttled every time: given up after the configured attempts, a warning that
    // says so; the call's file is absent, never an empty (falsely "safe") list.
    let vpcs = manifest
        .warnings
        .iter()
        .find(|w| w.api == "ec2:DescribeVpcs")
        .expect("a warning for the call that stayed throttled");
    assert_eq!(vpcs.code.as_deref(), Some("RequestLimitExceeded"));
    assert!(!region.join("Vpcs.json").exists());
    assert!(manifest.files.iter().any(|f| f.ends_with("/Subnets.json")));
    let seen = plan.lock().unwrap().seen.clone();
    assert_eq!(seen.get("DescribeSecurityGroups"), Some(&4));
    assert_eq!(seen.get("DescribeVpcs"), Some(&(attempts as usize)));
}
