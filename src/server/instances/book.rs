//! The book pocketcode keeps of opencode's local instances: which
//! directories have one loaded (as far as pocketcode can tell: it is
//! opencode's only client), when each was last needed, when a tab last
//! said it shows it, and which are being disposed right now. Plain data,
//! no I/O: [`super::Instances`] does the talking.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Entry {
    /// opencode has an instance loaded for the directory.
    alive: bool,
    /// The last request about it, or the last activity of its sessions.
    needed: Instant,
    /// The last beacon of a tab showing it.
    shown: Option<Instant>,
    /// Proxied responses and WebSockets about it still open.
    held: usize,
    /// A dispose is on its way: requests about it wait for the end.
    disposing: bool,
    /// Its agent had the browser tools when the instance went: they are
    /// given again when it comes back.
    had_tools: bool,
}

/// What a request about a directory has to do before it goes to opencode.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// Wait: its instance is being disposed (go after, onto a fresh one).
    pub wait: bool,
    /// Give its agent the browser tools again (the instance is coming back).
    pub give_tools: bool,
}

#[derive(Debug, Default)]
pub struct Book {
    entries: HashMap<PathBuf, Entry>,
    /// The opencode process the entries describe.
    pid: Option<u32>,
}

impl Book {
    fn entry(&mut self, dir: &Path, now: Instant) -> &mut Entry {
        self.entries.entry(dir.to_path_buf()).or_insert(Entry {
            alive: false,
            needed: now,
            shown: None,
            held: 0,
            disposing: false,
            had_tools: false,
        })
    }

    /// A request is about to name `dir`: opencode loads its instance if
    /// it has none.
    pub fn touch(&mut self, dir: &Path, now: Instant) -> Touched {
        let entry = self.entry(dir, now);
        entry.needed = now;
        if entry.disposing {
            return Touched {
                wait: true,
                give_tools: false,
            };
        }
        entry.alive = true;
        Touched {
            wait: false,
            give_tools: std::mem::take(&mut entry.had_tools),
        }
    }

    /// A tab shows `dir`'s chat (which sends opencode nothing: an
    /// instance disposed stays so until a request needs it).
    pub fn show(&mut self, dir: &Path, now: Instant) {
        let entry = self.entry(dir, now);
        entry.shown = Some(now);
        entry.needed = now;
    }

    /// A response about `dir` streams until [`Self::release`].
    pub fn hold(&mut self, dir: &Path, now: Instant) {
        self.entry(dir, now).held += 1;
    }

    /// A response [`Self::hold`] announced has ended: needed until now.
    pub fn release(&mut self, dir: &Path, now: Instant) {
        if let Some(entry) = self.entries.get_mut(dir) {
            entry.held = entry.held.saturating_sub(1);
            entry.needed = entry.needed.max(now);
        }
    }

    /// One of `dir`'s sessions did something: its instance is loaded and
    /// working.
    pub fn active(&mut self, dir: &Path, now: Instant) {
        let entry = self.entry(dir, now);
        entry.needed = now;
        if !entry.disposing {
            entry.alive = true;
        }
    }

    /// opencode says `dir`'s instance is gone.
    pub fn gone(&mut self, dir: &Path) {
        if let Some(entry) = self.entries.get_mut(dir) {
            entry.alive = false;
        }
    }

    /// Every instance is gone (opencode restarted, or was told to drop them).
    pub fn forget_all(&mut self) {
        for entry in self.entries.values_mut() {
            entry.alive = false;
        }
    }

    /// Records which opencode process runs now; `true` when it is another
    /// one than before (then every instance is gone with the old one).
    pub fn opencode_is(&mut self, pid: Option<u32>) -> bool {
        let Some(pid) = pid else {
            return false;
        };
        let restarted = self.pid.is_some_and(|before| before != pid);
        self.pid = Some(pid);
        if restarted {
            self.forget_all();
        }
        restarted
    }

    pub fn alive(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self
            .entries
            .iter()
            .filter(|(_, e)| e.alive)
            .map(|(dir, _)| dir.clone())
            .collect();
        dirs.sort();
        dirs
    }

    /// Alive instances nobody needed for `min_idle`, that no tab showed
    /// within `shown_for`, that are not `busy` and not `keep`; the longest
    /// quiet first.
    pub fn idle(
        &self,
        now: Instant,
        min_idle: Duration,
        shown_for: Duration,
        busy: &HashSet<PathBuf>,
        keep: &Path,
    ) -> Vec<PathBuf> {
        let mut dirs: Vec<(Instant, PathBuf)> = self
            .entries
            .iter()
            .filter(|(dir, e)| {
                e.alive
                    && !e.disposing
                    && e.held == 0
                    && dir.as_path() != keep
                    && !busy.contains(dir.as_path())
                    && now.saturating_duration_since(e.needed) >= min_idle
                    && e.shown
                        .is_none_or(|at| now.saturating_duration_since(at) >= shown_for)
            })
            .map(|(dir, e)| (e.needed, dir.clone()))
            .collect();
        // The longest quiet first: a budget that stops early keeps the
        // chats most likely to be wanted again.
        dirs.sort();
        dirs.into_iter().map(|(_, dir)| dir).collect()
    }

    /// Starts disposing `dir`, unless it was needed after `decided_at`
    /// (a request slipped in since it was found idle).
    pub fn begin_dispose(&mut self, dir: &Path, decided_at: Instant) -> bool {
        match self.entries.get_mut(dir) {
            Some(entry) if entry.alive && !entry.disposing && entry.needed <= decided_at => {
                entry.disposing = true;
                true
            }
            _ => false,
        }
    }

    /// The dispose of `dir` is over: its instance is `gone` (or not, if
    /// opencode refused), and its agent `had_tools`.
    pub fn end_dispose(&mut self, dir: &Path, gone: bool, had_tools: bool) {
        if let Some(entry) = self.entries.get_mut(dir) {
            entry.disposing = false;
            if gone {
                entry.alive = false;
                entry.had_tools |= had_tools;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Duration = Duration::from_secs(60);
    const SHOWN: Duration = Duration::from_secs(75);

    fn idle(book: &Book, now: Instant) -> Vec<PathBuf> {
        book.idle(now, M, SHOWN, &HashSet::new(), Path::new("/ws"))
    }

    #[test]
    fn an_instance_is_idle_after_m_unless_shown_busy_or_the_workspace() {
        let t0 = Instant::now();
        let mut book = Book::default();
        for dir in ["/ws", "/a", "/b", "/c"] {
            book.touch(Path::new(dir), t0);
        }
        book.show(Path::new("/b"), t0 + M / 2);
        assert!(idle(&book, t0 + M / 2).is_empty(), "nobody is idle yet");
        let later = t0 + M;
        assert_eq!(idle(&book, later), vec![PathBuf::from("/a"), "/c".into()]);
        let busy = HashSet::from([PathBuf::from("/c")]);
        assert_eq!(
            book.idle(later, M, SHOWN, &busy, Path::new("/ws")),
            vec![PathBuf::from("/a")]
        );
        // The tab stopped saying so: /b goes too, once its beacon is stale.
        assert!(!idle(&book, t0 + M / 2 + M).contains(&"/b".into()));
        assert!(idle(&book, t0 + M / 2 + SHOWN).contains(&"/b".into()));
        // Activity is a need.
        book.active(Path::new("/a"), later);
        assert!(!idle(&book, later).contains(&"/a".into()));
        // So is a response still streaming, and M after it ended.
        book.hold(Path::new("/c"), later);
        assert!(!idle(&book, later + M).contains(&"/c".into()));
        book.release(Path::new("/c"), later + M);
        assert!(!idle(&book, later + M).contains(&"/c".into()));
        assert!(idle(&book, later + 2 * M).contains(&"/c".into()));
    }

    #[test]
    fn the_longest_quiet_goes_first() {
        let t0 = Instant::now();
        let mut book = Book::default();
        book.touch(Path::new("/a"), t0 + Duration::from_secs(2));
        book.touch(Path::new("/b"), t0);
        book.touch(Path::new("/c"), t0 + Duration::from_secs(1));
        let order = idle(&book, t0 + M + Duration::from_secs(2));
        assert_eq!(order, vec![PathBuf::from("/b"), "/c".into(), "/a".into()]);
    }

    #[test]
    fn a_request_during_a_dispose_waits_and_then_revives_with_the_tools() {
        let t0 = Instant::now();
        let mut book = Book::default();
        let dir = Path::new("/a");
        book.touch(dir, t0);
        assert!(book.begin_dispose(dir, t0 + M));
        assert!(
            idle(&book, t0 + 2 * M).is_empty(),
            "not disposed twice at once"
        );
        assert_eq!(
            book.touch(dir, t0 + M),
            Touched {
                wait: true,
                give_tools: false
            }
        );
        book.end_dispose(dir, true, true);
        assert!(book.alive().is_empty());
        assert_eq!(
            book.touch(dir, t0 + M),
            Touched {
                wait: false,
                give_tools: true
            }
        );
        assert_eq!(book.alive(), vec![PathBuf::from("/a")]);
        assert!(!book.touch(dir, t0 + M).give_tools, "once");
    }

    #[test]
    fn a_dispose_decided_before_a_request_is_called_off() {
        let t0 = Instant::now();
        let mut book = Book::default();
        let dir = Path::new("/a");
        book.touch(dir, t0);
        let decided = t0 + M;
        book.touch(dir, decided + Duration::from_millis(1));
        assert!(!book.begin_dispose(dir, decided));
        assert_eq!(book.alive(), vec![PathBuf::from("/a")]);
    }

    #[test]
    fn a_new_opencode_has_no_instances() {
        let t0 = Instant::now();
        let mut book = Book::default();
        assert!(!book.opencode_is(Some(1)));
        book.touch(Path::new("/a"), t0);
        assert!(!book.opencode_is(Some(1)));
        assert!(!book.opencode_is(None), "between two: nothing known");
        assert_eq!(book.alive().len(), 1);
        assert!(book.opencode_is(Some(2)));
        assert!(book.alive().is_empty());
        book.active(Path::new("/a"), t0);
        book.gone(Path::new("/a"));
        assert!(book.alive().is_empty());
    }
}
