//! One chat's browser while it runs: its Chromium, the page connection,
//! the latest screencast frame (only ever one: a slow client skips frames,
//! it never queues them), the page's address and title, and its status.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use base64::Engine;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use super::BrowserError;
use super::cdp::{Cdp, Event};
use super::chromium::{Chromium, LaunchOptions};
use super::screencast::Screencast;
use crate::model::browser::BrowserStatus;

/// Run in every document before its own scripts.
const SAME_TAB: &str = "window.open = (url) => { if (url) location.href = url; return window; };\
document.addEventListener('click', (e) => { const a = e.target.closest && e.target.closest('a[target]');\
if (a && a.target !== '_self') a.target = '_self'; }, true);";

/// How long a restarted screencast or a loaded page may stay silent
/// before a screenshot is taken instead.
const QUIET: std::time::Duration = std::time::Duration::from_millis(250);

/// A screencast frame as Chromium sent it (or a screenshot standing in).
pub struct Frame {
    pub seq: u64,
    pub jpeg: Vec<u8>,
    pub page_width: f64,
    pub page_height: f64,
    pub quality: u8,
}

/// The page's address and title.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageInfo {
    pub url: String,
    pub title: String,
}

pub struct ChatBrowser {
    /// The chat's worktree: where its opencode instance works.
    pub directory: PathBuf,
    /// Where its profile and the agent's files are.
    pub home: PathBuf,
    chromium: Chromium,
    pub cdp: Cdp,
    frames: watch::Sender<Option<Arc<Frame>>>,
    page: watch::Sender<PageInfo>,
    status: watch::Sender<BrowserStatus>,
    screencast: Mutex<Screencast>,
    clients: AtomicUsize,
    last_used: Mutex<Instant>,
    next_seq: AtomicU64,
    /// Set before pocketcode stops it: its end is then no crash.
    stopping: AtomicBool,
}

impl ChatBrowser {
    /// Starts Chromium and connects to its page.
    pub async fn start(
        http: &reqwest::Client,
        binary: &std::path::Path,
        options: LaunchOptions,
        home: PathBuf,
        directory: PathBuf,
    ) -> Result<Arc<Self>, BrowserError> {
        let sandboxed = options.sandbox;
        let chromium = Chromium::launch(binary, &home.join("profile"), options).await?;
        let (cdp, events) = match Cdp::connect_page(http, chromium.port).await {
            Ok(connected) => connected,
            Err(err) => {
                chromium.stop().await;
                return Err(err);
            }
        };
        for method in ["Page.enable", "Runtime.enable"] {
            cdp.call(method, json!({})).await?;
        }
        // Navigation stays in the one page the panel shows: new windows
        // and `target=_blank` links open in it instead.
        cdp.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": SAME_TAB }),
        )
        .await?;
        let pid = chromium.pid;
        let on_exit = chromium.on_exit();
        let browser = Arc::new(Self {
            directory,
            home,
            chromium,
            cdp,
            frames: watch::channel(None).0,
            page: watch::channel(PageInfo::default()).0,
            status: watch::channel(BrowserStatus::Running { pid, sandboxed }).0,
            screencast: Mutex::new(Screencast::default()),
            clients: AtomicUsize::new(0),
            last_used: Mutex::new(Instant::now()),
            next_seq: AtomicU64::new(1),
            stopping: AtomicBool::new(false),
        });
        tokio::spawn(Self::follow_events(Arc::downgrade(&browser), events));
        let weak = Arc::downgrade(&browser);
        tokio::spawn(async move {
            let how = on_exit.await;
            if let Some(browser) = weak
                .upgrade()
                .filter(|b| !b.stopping.load(Ordering::SeqCst))
            {
                tracing::warn!(pid, %how, "a chat's Chromium ended");
                browser
                    .status
                    .send_replace(BrowserStatus::Crashed { message: how });
            }
        });
        Ok(browser)
    }

    pub fn pid(&self) -> u32 {
        self.chromium.pid
    }

    /// The debugging port on loopback, for the agent's MCP server only.
    pub fn cdp_port(&self) -> u16 {
        self.chromium.port
    }

    pub fn status(&self) -> BrowserStatus {
        self.status.borrow().clone()
    }

    pub fn watch_status(&self) -> watch::Receiver<BrowserStatus> {
        self.status.subscribe()
    }

    pub fn watch_frames(&self) -> watch::Receiver<Option<Arc<Frame>>> {
        self.frames.subscribe()
    }

    pub fn watch_page(&self) -> watch::Receiver<PageInfo> {
        self.page.subscribe()
    }

    pub fn touch(&self) {
        if let Ok(mut last) = self.last_used.lock() {
            *last = Instant::now();
        }
    }

    /// How long nobody has watched or used it (zero while a panel is open).
    pub fn idle_for(&self) -> std::time::Duration {
        if self.clients.load(Ordering::Relaxed) > 0 {
            return std::time::Duration::ZERO;
        }
        self.last_used
            .lock()
            .map(|last| last.elapsed())
            .unwrap_or_default()
    }

    /// A panel opened: the screencast runs while at least one is open.
    /// A panel connected: frames start with the first one. A join that
    /// fails does not count the panel (it never leaves).
    pub async fn client_joined(&self) -> Result<(), BrowserError> {
        self.touch();
        if self.clients.fetch_add(1, Ordering::Relaxed) == 0
            && let Err(err) = self.restart_screencast().await
        {
            self.clients.fetch_sub(1, Ordering::Relaxed);
            return Err(err);
        }
        Ok(())
    }

    pub async fn client_left(&self) {
        self.touch();
        if self.clients.fetch_sub(1, Ordering::Relaxed) == 1 {
            let _ = self.cdp.call("Page.stopScreencast", json!({})).await;
        }
    }

    /// Lays the page out for a panel `width`×`height` CSS pixels on a
    /// screen of pixel ratio `ratio`, and sizes frames to it.
    pub async fn set_viewport(
        &self,
        width: u32,
        height: u32,
        ratio: f64,
    ) -> Result<(), BrowserError> {
        let (width, height) = (width.clamp(200, 2560), height.clamp(200, 2560));
        let scale = ratio.clamp(1.0, 2.0);
        self.cdp
            .call(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": width < 768 }),
            )
            .await?;
        let changed = self
            .screencast
            .lock()
            .map(|mut s| s.set_size(width, height, scale))
            .unwrap_or(false);
        if changed && self.clients.load(Ordering::Relaxed) > 0 {
            self.restart_screencast().await?;
        }
        Ok(())
    }

    /// Makes frames cheaper (`level` up) or better (down) for a lagging or
    /// recovered client.
    pub async fn set_level(&self, level: usize) -> Result<(), BrowserError> {
        let changed = self
            .screencast
            .lock()
            .map(|mut s| s.set_level(level))
            .unwrap_or(false);
        if changed && self.clients.load(Ordering::Relaxed) > 0 {
            self.restart_screencast().await?;
        }
        Ok(())
    }

    async fn restart_screencast(&self) -> Result<(), BrowserError> {
        let params = self
            .screencast
            .lock()
            .map(|s| s.params())
            .unwrap_or_else(|_| Screencast::default().params());
        let _ = self.cdp.call("Page.stopScreencast", json!({})).await;
        if self
            .cdp
            .call("Page.startScreencast", params.clone())
            .await
            .is_err()
        {
            // Mid-navigation there may be no page to attach to for a moment.
            tokio::time::sleep(QUIET).await;
            self.cdp.call("Page.startScreencast", params).await?;
        }
        // A page that does not change sends no frame after a restart, and
        // one painted while the screencast was stopped would never show.
        self.capture_if_quiet().await;
        Ok(())
    }

    /// When no frame comes for a moment (while a panel is open), a
    /// screenshot of the page as it is becomes the latest frame.
    async fn capture_if_quiet(&self) {
        let before = self.next_seq.load(Ordering::Relaxed);
        tokio::time::sleep(QUIET).await;
        let quiet = self.next_seq.load(Ordering::Relaxed) == before;
        if quiet
            && self.clients.load(Ordering::Relaxed) > 0
            && let Err(err) = self.capture().await
        {
            tracing::debug!(%err, "no screenshot in place of a frame");
        }
    }

    /// Takes the page as it is now and makes it the latest frame.
    async fn capture(&self) -> Result<(), BrowserError> {
        let quality = self.screencast.lock().map(|s| s.quality()).unwrap_or(60);
        let (shot, layout) = tokio::try_join!(
            self.cdp.call(
                "Page.captureScreenshot",
                json!({ "format": "jpeg", "quality": quality })
            ),
            self.cdp.call("Page.getLayoutMetrics", json!({})),
        )?;
        let Some(jpeg) = shot["data"]
            .as_str()
            .and_then(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
        else {
            return Ok(());
        };
        let viewport = &layout["cssVisualViewport"];
        self.frames.send_replace(Some(Arc::new(Frame {
            seq: self.next_seq.fetch_add(1, Ordering::Relaxed),
            jpeg,
            page_width: viewport["clientWidth"].as_f64().unwrap_or_default(),
            page_height: viewport["clientHeight"].as_f64().unwrap_or_default(),
            quality,
        })));
        Ok(())
    }

    /// Stops Chromium (its whole process group).
    pub async fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.chromium.stop().await;
        self.status.send_replace(BrowserStatus::Stopped);
    }

    async fn follow_events(
        browser: std::sync::Weak<Self>,
        mut events: mpsc::UnboundedReceiver<Event>,
    ) {
        while let Some(event) = events.recv().await {
            let Some(browser) = browser.upgrade() else {
                return;
            };
            match event.method.as_str() {
                "Page.screencastFrame" => browser.take_frame(&event.params),
                "Page.frameNavigated" | "Page.navigatedWithinDocument" | "Page.loadEventFired" => {
                    browser.touch();
                    let browser = browser.clone();
                    tokio::spawn(async move { browser.refresh_page().await });
                }
                // A navigation may swap renderers, and a frame painted
                // before the screencast followed is never sent: a static
                // page would stay unseen. A screenshot stands in for it.
                "Page.frameStoppedLoading" => {
                    let browser = browser.clone();
                    tokio::spawn(async move { browser.capture_if_quiet().await });
                }
                "Inspector.targetCrashed" => {
                    browser.status.send_replace(BrowserStatus::Crashed {
                        message: "the page crashed (Chromium's renderer ended)".into(),
                    });
                }
                _ => {}
            }
        }
    }

    fn take_frame(&self, params: &Value) {
        // Acked at once: Chromium stops after three unacked frames, and
        // only the latest frame is kept for the panels anyway.
        if let Some(session) = params["sessionId"].as_u64() {
            self.cdp
                .notify("Page.screencastFrameAck", json!({ "sessionId": session }));
        }
        let Some(jpeg) = params["data"]
            .as_str()
            .and_then(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
        else {
            return;
        };
        let quality = self.screencast.lock().map(|s| s.quality()).unwrap_or(60);
        let metadata = &params["metadata"];
        let frame = Frame {
            seq: self.next_seq.fetch_add(1, Ordering::Relaxed),
            jpeg,
            page_width: metadata["deviceWidth"].as_f64().unwrap_or_default(),
            page_height: metadata["deviceHeight"].as_f64().unwrap_or_default(),
            quality,
        };
        self.frames.send_replace(Some(Arc::new(frame)));
    }

    async fn refresh_page(&self) {
        let Ok(history) = self.cdp.call("Page.getNavigationHistory", json!({})).await else {
            return;
        };
        let current = history["currentIndex"].as_u64().unwrap_or_default() as usize;
        let entry = &history["entries"][current];
        let info = PageInfo {
            url: entry["url"].as_str().unwrap_or_default().to_owned(),
            title: entry["title"].as_str().unwrap_or_default().to_owned(),
        };
        self.page.send_if_modified(|page| {
            let changed = *page != info;
            *page = info;
            changed
        });
    }
}
