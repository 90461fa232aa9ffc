//! HTTP webhook output: each record (alert or finding) is POSTed as its JSON. Transport
//! failures, 429 and 5xx answers are retried with exponential backoff; other answers are
//! final.

use std::time::Duration;

use super::{Record, Sink, SinkError};

/// Why a webhook delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Every attempt failed in a way another attempt might have fixed.
    #[error("webhook {url}: {message} (after {attempts} attempt(s))")]
    Failed {
        /// The endpoint.
        url: String,
        /// The last attempt's failure.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The endpoint answered with a client error: retrying would not help.
    #[error("webhook {url}: rejected with HTTP {status}: {body}")]
    Rejected {
        /// The endpoint.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the answer's body.
        body: String,
    },
}

/// Retries, timeout and headers of a [`WebhookSink`].
#[derive(Debug, Clone)]
pub struct WebhookOptions {
    /// Attempts per alert, at least 1.
    pub attempts: u32,
    /// Delay before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// The longest delay between two attempts.
    pub max_backoff: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Extra headers, e.g. `Authorization`.
    pub headers: Vec<(String, String)>,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            attempts: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
            headers: Vec::new(),
        }
    }
}

/// POSTs each record as JSON to one URL.
pub struct WebhookSink {
    url: String,
    options: WebhookOptions,
    agent: ureq::Agent,
    /// How to wait between attempts (replaced in tests so they never sleep).
    sleep: Box<dyn FnMut(Duration) + Send>,
    /// Alerts delivered so far.
    pub delivered: u64,
}

/// Why one attempt failed, and whether another may succeed.
enum Attempt {
    Retry(String),
    Final(WebhookError),
}

impl WebhookSink {
    /// A sink for `url`; nothing is sent until the first record.
    pub fn new(url: impl Into<String>, options: WebhookOptions) -> WebhookSink {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .build();
        WebhookSink {
            url: url.into(),
            options,
            agent: config.into(),
            sleep: Box::new(std::thread::sleep),
            delivered: 0,
        }
    }

    /// Replaces the pause between attempts.
    pub fn with_sleep(mut self, sleep: impl FnMut(Duration) + Send + 'static) -> WebhookSink {
        self.sleep = Box::new(sleep);
        self
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn attempt(&self, body: &[u8]) -> Result<(), Attempt> {
        let mut request = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json");
        for (name, value) in &self.options.headers {
            request = request.header(name, value);
        }
        let mut response = match request.send(body) {
            Ok(r) => r,
            Err(e) => return Err(Attempt::Retry(e.to_string())),
        };
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(());
        }
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let text: String = text.chars().take(200).collect();
        if status == 429 || status >= 500 {
            Err(Attempt::Retry(format!("HTTP {status}: {text}")))
        } else {
            Err(Attempt::Final(WebhookError::Rejected {
                url: self.url.clone(),
                status,
                body: text,
            }))
        }
    }

    /// POSTs one JSON document, retrying as configured.
    pub fn post_json(&mut self, body: &[u8]) -> Result<(), WebhookError> {
        let attempts = self.options.attempts.max(1);
        let mut backoff = self.options.initial_backoff;
        let mut last = String::new();
        for n in 1..=attempts {
            match self.attempt(body) {
                Ok(()) => {
                    self.delivered += 1;
                    return Ok(());
                }
                Err(Attempt::Final(e)) => return Err(e),
                Err(Attempt::Retry(message)) => last = message,
            }
            if n < attempts {
                (self.sleep)(backoff);
                backoff = (backoff * 2).min(self.options.max_backoff);
            }
        }
        Err(WebhookError::Failed {
            url: self.url.clone(),
            message: last,
            attempts,
        })
    }
}

impl<R: Record + ?Sized> Sink<R> for WebhookSink {
    /// POSTs the record's JSON; a delivery that still fails after the retries is an error,
    /// so a live source keeps the input for a later attempt.
    fn emit(&mut self, record: &R) -> Result<(), SinkError> {
        let body = serde_json::to_vec(record)?;
        self.post_json(&body)
            .map_err(|e| SinkError::Other(e.to_string()))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    /// A one-thread HTTP server on 127.0.0.1 answering with `statuses` in turn and
    /// recording the bodies it received.
    fn server(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        std::thread::spawn(move || {
            for status in statuses {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                seen.lock().unwrap().push(String::from_utf8(body).unwrap());
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nno"
                );
                reader.get_mut().write_all(reply.as_bytes()).unwrap();
            }
        });
        (url, bodies)
    }

    fn sink(url: &str, waits: Arc<Mutex<Vec<Duration>>>) -> WebhookSink {
        let options = WebhookOptions {
            attempts: 3,
            initial_backoff: Duration::from_millis(100),
            ..WebhookOptions::default()
        };
        WebhookSink::new(url, options).with_sleep(move |d| waits.lock().unwrap().push(d))
    }

    #[test]
    fn retries_server_errors_with_backoff_then_delivers() {
        let (url, bodies) = server(vec![503, 500, 200]);
        let waits = Arc::new(Mutex::new(Vec::new()));
        let mut hook = sink(&url, waits.clone());
        hook.post_json(br#"{"rule":"r"}"#).unwrap();
        assert_eq!(hook.delivered, 1);
        assert_eq!(bodies.lock().unwrap().len(), 3);
        assert_eq!(bodies.lock().unwrap()[2], r#"{"rule":"r"}"#);
        assert_eq!(
            *waits.lock().unwrap(),
            vec![Duration::from_millis(100), Duration::from_millis(200)]
        );
    }

    #[test]
    fn gives_up_after_the_last_attempt_and_on_client_errors() {
        let (url, _) = server(vec![500, 500, 500]);
        let waits = Arc::new(Mutex::new(Vec::new()));
        let err = sink(&url, waits).post_json(b"{}").unwrap_err().to_string();
        assert!(
            err.contains("HTTP 500") && err.contains("3 attempt"),
            "{err}"
        );

        let (url, bodies) = server(vec![400]);
        let waits = Arc::new(Mutex::new(Vec::new()));
        let err = sink(&url, waits.clone())
            .post_json(b"{}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("HTTP 400"), "{err}");
        assert!(waits.lock().unwrap().is_empty());
        assert_eq!(bodies.lock().unwrap().len(), 1);
    }

    #[test]
    fn unreachable_endpoint_is_an_error_not_a_panic() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let waits = Arc::new(Mutex::new(Vec::new()));
        let err = sink(&format!("http://127.0.0.1:{port}/"), waits).post_json(b"{}");
        assert!(matches!(err, Err(WebhookError::Failed { attempts: 3, .. })));
    }
}
