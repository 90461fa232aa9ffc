//! A local HTTP endpoint for tests that must see exactly what the SDK sends: it answers
//! every request with one fixed response and keeps each request (method, path, headers,
//! body), so a test can count attempts or read the documents a client posted.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Captured {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request path with its query.
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body as received.
    pub body: Vec<u8>,
}

impl Captured {
    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A server on 127.0.0.1 answering `status` with `body` (JSON) to everything; it stops
/// accepting when the process ends.
pub struct HttpStub {
    port: u16,
    requests: Arc<Mutex<Vec<Captured>>>,
}

impl HttpStub {
    /// Starts the stub on a free port of 127.0.0.1.
    pub fn start(status: u16, body: &str) -> HttpStub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().expect("local address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let response = format!(
            "HTTP/1.1 {status} Stub\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                let response = response.clone();
                thread::spawn(move || {
                    if let Some(request) = read_request(&stream) {
                        seen.lock().expect("stub lock").push(request);
                    }
                    let mut stream = stream;
                    let _ = stream.write_all(response.as_bytes());
                });
            }
        });
        HttpStub { port, requests }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The requests so far, in arrival order.
    pub fn requests(&self) -> Vec<Captured> {
        self.requests.lock().expect("stub lock").clone()
    }
}

fn read_request(stream: &TcpStream) -> Option<Captured> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Captured {
        method,
        path,
        headers,
        body,
    })
}
