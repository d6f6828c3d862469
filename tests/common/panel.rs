//! The shared browser from a test's side: pages served on loopback for it
//! to show, and a Browser panel client over pocketcode's WebSocket that
//! reads frames (decoding their JPEG) and sends input.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use pocketcode::model::browser::{ClientMessage, FrameHeader, ServerMessage, split_frame};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::TestServer;

/// How long a frame, page or status may take to come.
pub const WAIT: Duration = Duration::from_secs(30);

/// The first page: a red button (0–200 px, green after an odd number of
/// taps) that counts them, a text field (200–260 px) that puts what is
/// typed in the address's hash, a `target=_blank` link (260–300 px), a
/// light block, then a blue one from 2300 px down.
const FIRST: &str = r#"<!doctype html><html><head><meta name="viewport" content="width=device-width"><title>Shared page</title>
<style>body{margin:0;font:20px sans-serif}
#tap{display:block;width:100%;height:200px;border:0;color:#fff;font-size:24px;background:rgb(200,30,30)}
#tap.on{background:rgb(30,160,60)}
#field{display:block;width:100%;height:60px;box-sizing:border-box;font-size:20px}</style></head>
<body><button id="tap">Clicked 0</button><input id="field" placeholder="type here">
<a href="/second" target="_blank" style="display:block;height:40px">Second page, in a new window</a>
<div style="height:2000px;background:rgb(250,250,250)"></div>
<div style="height:2000px;background:rgb(20,40,200)"></div>
<script>let n=0;
tap.onclick=()=>{n++;tap.textContent='Clicked '+n;tap.className=n%2?'on':''};
field.oninput=()=>{location.hash='typed='+encodeURIComponent(field.value)};
field.onkeydown=e=>{if(e.key==='Enter')location.hash='entered='+encodeURIComponent(field.value)};
</script></body></html>"#;

/// A yellow second page, to go to and back from.
const SECOND: &str = r#"<!doctype html><html><head><meta name="viewport" content="width=device-width"><title>Second page</title></head>
<body style="margin:0;background:rgb(240,200,0)">Second page</body></html>"#;

/// A page of text that changes every animation frame: frames come as fast
/// as Chromium makes them.
const ANIMATED: &str = r#"<!doctype html><html><head><meta name="viewport" content="width=device-width"><title>Animated</title></head>
<body style="margin:0;font:16px serif"><div id="n" style="font-size:80px">0</div><p id="text"></p><script>let i=0;
text.textContent='A page with some text on it, as pages have, so frames are not just a flat colour. '.repeat(40);
(function step(){i++;n.textContent=i;document.body.style.background='hsl('+(i%360)+',70%,50%)';
requestAnimationFrame(step)})();</script></body></html>"#;

/// The test pages on a loopback port, served until dropped.
pub struct TestPages {
    pub base_url: String,
    server: tokio::task::JoinHandle<()>,
}

impl TestPages {
    pub async fn start() -> Self {
        use axum::response::Html;
        use axum::routing::get;
        let router = axum::Router::new()
            .route("/", get(|| async { Html(FIRST) }))
            .route("/second", get(|| async { Html(SECOND) }))
            .route("/animated", get(|| async { Html(ANIMATED) }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the test pages");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, server }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for TestPages {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A decoded frame: its header, its size on the wire and its pixels (RGB).
pub struct Frame {
    pub header: FrameHeader,
    pub bytes: usize,
    pub width: usize,
    pub height: usize,
    pixels: Vec<u8>,
}

impl Frame {
    /// The colour at page coordinates (CSS pixels).
    pub fn color_at(&self, x: f64, y: f64) -> (u8, u8, u8) {
        let px = ((x / self.header.page_width) * self.width as f64) as usize;
        let py = ((y / self.header.page_height) * self.height as f64) as usize;
        let i = (py.min(self.height - 1) * self.width + px.min(self.width - 1)) * 3;
        (self.pixels[i], self.pixels[i + 1], self.pixels[i + 2])
    }

    /// Whether the colour at (x, y) is within 40 of `rgb` on every channel
    /// (JPEG shifts colours a little).
    pub fn shows(&self, x: f64, y: f64, rgb: (u8, u8, u8)) -> bool {
        let (r, g, b) = self.color_at(x, y);
        let near = |a: u8, b: u8| a.abs_diff(b) <= 40;
        near(r, rgb.0) && near(g, rgb.1) && near(b, rgb.2)
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A Browser panel: what it received last and a way to send.
pub struct Panel {
    socket: Socket,
    pub url: String,
    pub title: String,
    pub status: Option<pocketcode::model::browser::BrowserStatus>,
    pub errors: Vec<String>,
    /// The last frame [`until`](Self::until) read: a page that stopped
    /// changing sends no other.
    latest: Option<Frame>,
}

/// What one read from the socket gave.
pub enum Received {
    Frame(Frame),
    Message,
}

impl Panel {
    /// The socket's HTTP answer when it cannot be opened.
    pub async fn refused(server: &TestServer, repo: &str, chat: &str) -> (u16, String) {
        let response = server
            .http
            .get(server.url(&socket_path(repo, chat)))
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
            .send()
            .await
            .expect("socket request");
        (
            response.status().as_u16(),
            response.text().await.unwrap_or_default(),
        )
    }

    pub async fn open(server: &TestServer, repo: &str, chat: &str) -> Self {
        let url = server
            .url(&socket_path(repo, chat))
            .replacen("http", "ws", 1);
        let mut request = url.into_client_request().expect("socket request");
        request
            .headers_mut()
            .insert("cookie", server.cookie.parse().expect("cookie"));
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the panel's socket opens");
        Self {
            socket,
            url: String::new(),
            title: String::new(),
            status: None,
            errors: Vec::new(),
            latest: None,
        }
    }

    pub async fn send(&mut self, message: &ClientMessage) {
        let text = serde_json::to_string(message).expect("json");
        self.socket
            .send(Message::text(text))
            .await
            .expect("send to the panel's socket");
    }

    /// Sizes the page as a phone's: 390×700 CSS pixels, `ratio` device
    /// pixels each.
    pub async fn phone_viewport(&mut self, ratio: f64) {
        self.send(&ClientMessage::Viewport {
            width: 390,
            height: 700,
            ratio,
        })
        .await;
    }

    /// Reads one message (`None` when the socket closed or `wait` passed);
    /// text messages update the panel's state.
    pub async fn receive(&mut self, wait: Duration) -> Option<Received> {
        let message = tokio::time::timeout(wait, self.socket.next())
            .await
            .ok()??
            .ok()?;
        match message {
            Message::Binary(bytes) => {
                let (header, jpeg) = split_frame(&bytes).expect("a frame message");
                let mut decoder = jpeg_decoder::Decoder::new(jpeg);
                let pixels = decoder.decode().expect("the frame is a JPEG");
                let info = decoder.info().expect("JPEG info");
                Some(Received::Frame(Frame {
                    header,
                    bytes: bytes.len(),
                    width: usize::from(info.width),
                    height: usize::from(info.height),
                    pixels,
                }))
            }
            Message::Text(text) => {
                match serde_json::from_str(&text).expect("a server message") {
                    ServerMessage::Status { status } => self.status = Some(status),
                    ServerMessage::Page { url, title } => (self.url, self.title) = (url, title),
                    ServerMessage::Error { message } => self.errors.push(message),
                }
                Some(Received::Message)
            }
            _ => Some(Received::Message),
        }
    }

    /// Reads one message before `deadline`, acking a frame at once:
    /// `Err(())` when nothing came in time, `Ok(Some(frame))` for a frame.
    async fn next_acked(&mut self, deadline: tokio::time::Instant) -> Result<Option<Frame>, ()> {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match self.receive(left).await {
            Some(Received::Frame(frame)) => {
                let seq = frame.header.seq;
                self.send(&ClientMessage::Ack { seq }).await;
                Ok(Some(frame))
            }
            Some(Received::Message) => Ok(None),
            None => Err(()),
        }
    }

    /// Reads (acking every frame) until a frame satisfies `wanted`.
    pub async fn frame_where(&mut self, what: &str, wanted: impl Fn(&Frame) -> bool) -> Frame {
        if let Some(frame) = self.latest.take().filter(|f| wanted(f)) {
            return frame;
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut last = String::from("none");
        loop {
            match self.next_acked(deadline).await {
                Ok(Some(frame)) if wanted(&frame) => return frame,
                Ok(Some(frame)) => {
                    last = format!(
                        "{:?}, {}×{} px, top-left colour {:?}",
                        frame.header,
                        frame.width,
                        frame.height,
                        frame.color_at(10.0, 10.0)
                    );
                }
                Ok(None) => {}
                Err(()) => panic!(
                    "no frame showing {what} (url {}, errors {:?}; last frame: {last})",
                    self.url, self.errors
                ),
            }
        }
    }

    /// Reads (acking frames) until the panel's state satisfies `wanted`.
    pub async fn until(&mut self, what: &str, wanted: impl Fn(&Self) -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !wanted(self) {
            match self.next_acked(deadline).await {
                Ok(Some(frame)) => self.latest = Some(frame),
                Ok(None) => {}
                Err(()) => panic!(
                    "never {what}: url {}, status {:?}, errors {:?}",
                    self.url, self.status, self.errors
                ),
            }
        }
    }
}

fn socket_path(repo: &str, chat: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("repo", repo)
        .append_pair("chat", chat)
        .finish();
    format!("{}?{query}", pocketcode::model::browser::SOCKET_PATH)
}
