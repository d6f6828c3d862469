//! One terminal of the sheet: its xterm.js screen, the WebSocket to its
//! shell (through pocketcode's proxy), its size, and coming back after the
//! connection drops (a phone that slept): the same shell if opencode still
//! runs it, with only the output missed since, else word that it ended.
//! What is typed while the connection is not open (it is still opening,
//! or coming back after the phone slept) waits and goes once it opens, in
//! the order typed.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::keys::Modifiers;
use super::pty;
use super::pty::Shells;
use crate::app::web::socket::{Socket, SocketHandlers};
use crate::app::web::xterm::Xterm;
use crate::opencode::{Pty, control_cursor, cursor_advance};

/// How a terminal's connection stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Live,
    /// Dropped; trying to get the same shell back.
    Reconnecting,
    /// The shell is gone (it exited, or opencode restarted).
    Ended,
    /// Could not connect: why, in words.
    Failed(String),
}

/// Connections that close before they open, in a row, before giving up.
const REFUSALS: u8 = 3;

/// Bytes typed while not connected that are kept to send once connected;
/// past this (a paste into a dead link) the rest is dropped, with a notice.
const HELD_MAX: usize = 64 * 1024;

/// A terminal of the sheet. Copy: its parts are arena handles.
#[derive(Clone, Copy)]
pub struct Term {
    /// The shell's id, its title and where the chat's shells are.
    pty: StoredValue<(String, String, Shells)>,
    xterm: StoredValue<Option<Xterm>>,
    socket: StoredValue<Option<Socket>>,
    /// How far the output has been shown (opencode's count).
    cursor: StoredValue<Option<u64>>,
    size: StoredValue<Option<(u16, u16)>>,
    refused: StoredValue<u8>,
    /// Typed while the connection was not open, to send once it is.
    held: StoredValue<String>,
    pub link: RwSignal<Link>,
    /// A failure that leaves the connection as it was, in words.
    pub notice: RwSignal<Option<String>>,
    modifiers: Modifiers,
}

impl Term {
    pub fn new(pty: &Pty, shells: Shells, modifiers: Modifiers) -> Self {
        Self {
            pty: StoredValue::new((pty.id.clone(), pty.title.clone(), shells)),
            xterm: StoredValue::new(None),
            socket: StoredValue::new(None),
            cursor: StoredValue::new(None),
            size: StoredValue::new(None),
            refused: StoredValue::new(0),
            held: StoredValue::new(String::new()),
            link: RwSignal::new(Link::Connecting),
            notice: RwSignal::new(None),
            modifiers,
        }
    }

    pub fn id(self) -> String {
        self.pty.with_value(|(id, ..)| id.clone())
    }

    pub fn title(self) -> String {
        self.pty.with_value(|(_, title, _)| title.clone())
    }

    fn shells(self) -> Shells {
        self.pty.with_value(|(.., shells)| shells.clone())
    }

    /// The element xterm.js draws in.
    pub fn host_id(self) -> String {
        format!("terminal-{}", self.id())
    }

    /// Sends typed bytes to the shell, with the held modifiers; while the
    /// connection is not open they wait for it.
    pub fn send(self, typed: String) {
        let bytes = self.modifiers.apply(typed);
        match self.socket.get_value() {
            Some(socket) if self.link.get_untracked() == Link::Live => socket.send(&bytes),
            _ => self.hold(&bytes),
        }
    }

    fn hold(self, bytes: &str) {
        if self.link.get_untracked() == Link::Ended {
            return;
        }
        let full = self
            .held
            .with_value(|held| held.len() + bytes.len() > HELD_MAX);
        if full {
            self.notice.set(Some(
                "Not everything typed while disconnected was kept; check the command line.".into(),
            ));
            return;
        }
        self.held.update_value(|held| held.push_str(bytes));
    }

    /// Sends what was typed before the connection opened.
    fn release(self, socket: Socket) {
        let held = self
            .held
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if !held.is_empty() {
            socket.send(&held);
        }
    }

    pub fn focus(self) {
        if let Some(xterm) = self.xterm.get_value() {
            xterm.focus();
        }
    }

    /// Shows it: opens its screen and connection the first time, then fits
    /// it to the sheet and takes the focus.
    pub fn show(self) {
        if self.xterm.get_value().is_some() {
            self.fit();
            self.focus();
            return;
        }
        spawn_local(async move {
            let typed = move |data: String| self.send(data);
            match Xterm::open(&self.host_id(), typed).await {
                Ok(xterm) => {
                    self.xterm.set_value(Some(xterm));
                    self.connect();
                    self.fit();
                    xterm.focus();
                }
                Err(e) => self.link.set(Link::Failed(e)),
            }
        });
    }

    /// Fits the screen to the sheet and tells the shell its new size.
    pub fn fit(self) {
        let Some(size) = self.xterm.get_value().and_then(Xterm::fit) else {
            return;
        };
        if self.size.get_value() == Some(size) {
            return;
        }
        self.size.set_value(Some(size));
        let (id, _, shells) = self.pty.get_value();
        spawn_local(async move {
            let result = pty::resize(&shells, &id, size.0, size.1).await;
            self.notice.set(result.err());
        });
    }

    fn connect(self) {
        let (id, _, shells) = self.pty.get_value();
        let cursor = self.cursor.get_value().unwrap_or(0).to_string();
        let opened = StoredValue::new(false);
        let handlers = SocketHandlers {
            on_open: Box::new(move || {
                opened.set_value(true);
                self.refused.set_value(0);
                self.link.set(Link::Live);
                if let Some(socket) = self.socket.get_value() {
                    self.release(socket);
                }
            }),
            on_close: Box::new(move || self.dropped(opened.get_value())),
            on_text: Box::new(move |text| self.output(&text)),
            on_binary: Box::new(move |bytes| match control_cursor(&bytes) {
                Some(cursor) => self.cursor.set_value(Some(cursor)),
                None => self.output(&String::from_utf8_lossy(&bytes)),
            }),
        };
        let path = format!("{}/{id}/connect", shells.base);
        let query = [
            ("directory", shells.directory.as_str()),
            ("cursor", &cursor),
        ];
        match Socket::open(&path, &query, handlers) {
            Some(socket) => self.socket.set_value(Some(socket)),
            None => self.link.set(Link::Failed(
                "The terminal's connection could not be opened.".into(),
            )),
        }
    }

    fn output(self, text: &str) {
        self.cursor
            .update_value(|c| *c = Some(c.unwrap_or(0) + cursor_advance(text)));
        if let Some(xterm) = self.xterm.get_value() {
            xterm.write(text);
        }
    }

    /// The connection closed: back to the same shell if it still runs.
    fn dropped(self, opened: bool) {
        self.socket.set_value(None);
        if !opened {
            self.refused.update_value(|n| *n += 1);
        }
        if self.refused.get_value() >= REFUSALS {
            self.link.set(Link::Failed(
                "The terminal's connection was refused; close it and open a new one.".into(),
            ));
            return;
        }
        self.reconnect();
    }

    /// Tries to get the same shell back (also after the tab is shown again
    /// and on the Reconnect button).
    pub fn reconnect(self) {
        if self.socket.get_value().is_some() || self.xterm.get_value().is_none() {
            return;
        }
        self.link.set(Link::Reconnecting);
        let (id, _, shells) = self.pty.get_value();
        spawn_local(async move {
            match pty::running(&shells, &id).await {
                Ok(Some(_)) => self.connect(),
                Ok(None) => {
                    self.held.set_value(String::new());
                    self.link.set(Link::Ended);
                }
                Err(e) => self.link.set(Link::Failed(format!(
                    "The terminal is disconnected ({e}); try Reconnect."
                ))),
            }
        });
    }

    /// Closes its screen and connection (the shell runs on).
    pub fn detach(self) {
        if let Some(socket) = self.socket.try_update_value(Option::take).flatten() {
            socket.close();
        }
        if let Some(xterm) = self.xterm.try_update_value(Option::take).flatten() {
            xterm.close();
        }
    }

    /// Detaches and ends the shell.
    pub fn end(self) {
        let shells = self.shells();
        let id = self.id();
        self.detach();
        spawn_local(async move {
            // Already gone is as good as ended.
            let _ = pty::remove(&shells, &id).await;
        });
    }
}
