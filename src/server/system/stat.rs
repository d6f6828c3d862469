//! One process's `/proc/<pid>/stat` line: its name, state, parent and
//! process group. The name is in parentheses and may itself hold spaces
//! and parentheses, so the fields after it are counted from the last `)`.

/// What `/proc/<pid>/stat` says of a process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcStat {
    /// Its `comm` (at most 15 bytes, e.g. `opencode`, `node`, `bwrap`).
    pub name: String,
    /// The state letter: `R`, `S`, `D`, `Z` (a zombie), `X` (dead)…
    pub state: char,
    pub parent: u32,
    pub group: u32,
}

impl ProcStat {
    /// `pid`'s, `None` when it is gone (or `/proc` cannot say). Blocking.
    pub fn read(pid: u32) -> Option<Self> {
        Self::parse(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
    }

    /// A `/proc/<pid>/stat` line's; `None` when it is not one.
    pub fn parse(line: &str) -> Option<Self> {
        let open = line.find('(')?;
        let close = line.rfind(')')?;
        let name = line.get(open + 1..close)?.to_owned();
        let mut fields = line.get(close + 1..)?.split_whitespace();
        let state = fields.next()?.chars().next()?;
        let parent = fields.next()?.parse().ok()?;
        let group = fields.next()?.parse().ok()?;
        Some(Self {
            name,
            state,
            parent,
            group,
        })
    }

    /// Ended: a zombie waiting for its reaper, or dead.
    pub fn ended(&self) -> bool {
        matches!(self.state, 'Z' | 'X')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_are_read_past_a_name_with_spaces_and_parentheses() {
        let stat = ProcStat::parse("4242 (a) b (c)) S 1 4240 4240 0 -1 4194560").expect("parsed");
        assert_eq!(
            stat,
            ProcStat {
                name: "a) b (c)".into(),
                state: 'S',
                parent: 1,
                group: 4240
            }
        );
        assert!(!stat.ended());
        let zombie = ProcStat::parse("7 (opencode) Z 1 7 7").expect("parsed");
        assert_eq!((zombie.name.as_str(), zombie.group), ("opencode", 7));
        assert!(zombie.ended());
    }

    #[test]
    fn a_line_short_of_a_field_or_not_a_stat_line_is_none() {
        assert_eq!(ProcStat::parse("7 (opencode) R 1"), None);
        assert_eq!(ProcStat::parse("7 (opencode) R x 7"), None);
        assert_eq!(ProcStat::parse("garbage"), None);
    }

    #[test]
    fn this_process_reads_and_a_made_up_one_does_not() {
        let me = ProcStat::read(std::process::id()).expect("this process");
        assert!(!me.ended() && me.parent > 0, "{me:?}");
        assert_eq!(ProcStat::read(u32::MAX), None);
    }
}
