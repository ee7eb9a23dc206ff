//! A minimal HTTP/1.1 client for the load generator: one keep-alive connection per virtual client, no TLS,
//! no cookie jar, no JSON. It shares the 2 cores with the server, so it must cost as little CPU per request
//! as possible: the virtual clients are tasks on one event-loop thread (like `wrk`), not a thread each
//! (64 blocking threads cost about 45 µs of CPU per request in context switches; a `reqwest::blocking`
//! client hands every request to its own runtime thread and back). The same client drives our server and
//! the bare baseline, so the ratio is fair.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long a request may take before it counts as a timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A response: status, the `name=value` part of every `Set-Cookie`, the body.
pub struct Response {
    pub status: u16,
    pub cookies: Vec<String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("")
    }
}

/// One keep-alive connection, reopened when the server closed it.
pub struct Client {
    addr: SocketAddr,
    host: String,
    conn: Option<BufReader<TcpStream>>,
    request: Vec<u8>,
}

#[derive(Debug)]
pub enum HttpError {
    Connect(io::Error),
    Timeout,
    Transport(String),
}

impl HttpError {
    pub fn kind(&self) -> &'static str {
        match self {
            HttpError::Connect(_) => "connect",
            HttpError::Timeout => "timeout",
            HttpError::Transport(_) => "transport",
        }
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::Connect(e) => write!(f, "connect: {e}"),
            HttpError::Timeout => write!(f, "timeout"),
            HttpError::Transport(e) => write!(f, "transport: {e}"),
        }
    }
}

fn transport(e: io::Error) -> HttpError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => HttpError::Timeout,
        _ => HttpError::Transport(e.to_string()),
    }
}

/// `http://127.0.0.1:PORT` → socket address (loopback targets only, checked by the caller).
pub fn parse_base(base: &str) -> Result<SocketAddr, String> {
    let rest = base
        .strip_prefix("http://")
        .ok_or_else(|| format!("{base}: only http:// is supported"))?;
    let hostport = rest.split('/').next().unwrap_or(rest);
    let hostport = hostport.replace("localhost", "127.0.0.1");
    hostport
        .parse()
        .map_err(|e| format!("{base}: {e} (give http://127.0.0.1:PORT)"))
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            host: addr.to_string(),
            conn: None,
            request: Vec::with_capacity(4096),
        }
    }

    async fn connect(&mut self) -> Result<&mut BufReader<TcpStream>, HttpError> {
        if self.conn.is_none() {
            let s = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(self.addr))
                .await
                .map_err(|_| HttpError::Timeout)?
                .map_err(HttpError::Connect)?;
            s.set_nodelay(true).map_err(HttpError::Connect)?;
            self.conn = Some(BufReader::with_capacity(64 * 1024, s));
        }
        self.conn.as_mut().ok_or(HttpError::Transport("no connection".into()))
    }

    pub async fn get(&mut self, path: &str, cookie: Option<&str>) -> Result<Response, HttpError> {
        self.send("GET", path, cookie, None).await
    }

    pub async fn post_form(&mut self, path: &str, cookie: Option<&str>, body: &[u8]) -> Result<Response, HttpError> {
        self.send("POST", path, cookie, Some(body)).await
    }

    /// Sends a request; a connection the server closed while idle is reopened once.
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: Option<&[u8]>,
    ) -> Result<Response, HttpError> {
        self.request.clear();
        let r = &mut self.request;
        use std::io::Write;
        let _ = write!(r, "{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if let Some(c) = cookie.filter(|c| !c.is_empty()) {
            let _ = write!(r, "Cookie: {c}\r\n");
        }
        if let Some(b) = body {
            let _ = write!(
                r,
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                b.len()
            );
        }
        r.extend_from_slice(b"\r\n");
        if let Some(b) = body {
            r.extend_from_slice(b);
        }
        let reused = self.conn.is_some();
        match self.round_trip().await {
            Ok(resp) => Ok(resp),
            Err(HttpError::Transport(_)) if reused => {
                self.conn = None;
                self.round_trip().await
            }
            Err(e) => {
                self.conn = None;
                Err(e)
            }
        }
    }

    async fn round_trip(&mut self) -> Result<Response, HttpError> {
        let request = std::mem::take(&mut self.request);
        let result = match tokio::time::timeout(REQUEST_TIMEOUT, self.exchange(&request)).await {
            Ok(r) => r,
            Err(_) => Err(HttpError::Timeout),
        };
        self.request = request;
        if result.is_err() {
            self.conn = None;
        }
        result
    }

    async fn exchange(&mut self, request: &[u8]) -> Result<Response, HttpError> {
        let conn = self.connect().await?;
        conn.get_mut().write_all(request).await.map_err(transport)?;
        let mut line = String::new();
        if conn.read_line(&mut line).await.map_err(transport)? == 0 {
            return Err(HttpError::Transport("connection closed".into()));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| HttpError::Transport(format!("bad status line {line:?}")))?;
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut close = false;
        let mut cookies = Vec::new();
        loop {
            line.clear();
            if conn.read_line(&mut line).await.map_err(transport)? == 0 {
                return Err(HttpError::Transport("connection closed in headers".into()));
            }
            let h = line.trim_end();
            if h.is_empty() {
                break;
            }
            let Some((name, value)) = h.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            } else if name.eq_ignore_ascii_case("set-cookie") {
                cookies.push(value.split(';').next().unwrap_or("").to_owned());
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                conn.read_line(&mut line).await.map_err(transport)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| HttpError::Transport("bad chunk size".into()))?;
                let mut chunk = vec![0; size + 2];
                conn.read_exact(&mut chunk).await.map_err(transport)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            conn.read_exact(&mut body).await.map_err(transport)?;
        } else {
            conn.read_to_end(&mut body).await.map_err(transport)?;
            close = true;
        }
        if close {
            self.conn = None;
        }
        Ok(Response { status, cookies, body })
    }
}

/// Runs a future to completion on a one-thread runtime of its own (set-up requests outside the timed phases).
pub fn block_on<F: std::future::Future>(f: F) -> io::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f))
}
