//! A small HTTP/1.1 server on 127.0.0.1 for webhook tests: answers each POST with the
//! next scripted status (200 once the script is used up) and keeps every request body.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub struct Received {
    pub path: String,
    pub body: serde_json::Value,
}

pub struct WebhookServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl WebhookServer {
    /// Starts the server; `script` are the statuses of the first requests.
    pub fn start(script: Vec<u16>) -> WebhookServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        std::thread::spawn(move || {
            let mut script = script.into_iter();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let Some((path, body)) = read_request(&mut stream) else {
                    continue;
                };
                let status = script.next().unwrap_or(200);
                if status == 200 {
                    let body = serde_json::from_slice(&body).expect("webhook body is JSON");
                    log.lock().unwrap().push(Received { path, body });
                }
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        WebhookServer { url, received }
    }

    /// The bodies accepted on `path`, in order.
    pub fn bodies(&self, path: &str) -> Vec<serde_json::Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.body.clone())
            .collect()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<(String, Vec<u8>)> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((path, body))
}
