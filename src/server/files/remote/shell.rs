//! The POSIX `sh` scripts a remote chat's file transfers run over ssh,
//! and what their exit codes mean. Every script first resolves the path
//! it is given inside the chat's directory on the remote and refuses one
//! that leads out of it (`readlink -f`: through any link the agent made);
//! then it works from the folder it checked (its working directory, so a
//! link swapped in afterwards changes nothing it opens), and creates
//! files only with `set -C` (O_EXCL: never through a link, never over a
//! file).
//!
//! Arguments: `$1` the chat's directory, `$2` the path in it (`""` its
//! root); the rest per script.

/// Resolves `$2` as `$real` inside the directory `$top`: exit 4 when it is
/// not there, 3 when it leads out. The system's tools first on the PATH.
const RESOLVE: &str = r#"
PATH=/usr/bin:/bin:$PATH
top=$(cd -P -- "$1" 2>/dev/null && pwd -P) || exit 4
cd -- "$top" || exit 4
p=${2:-.}
[ -e "$p" ] || exit 4
real=$(readlink -f -- "$p") || exit 4
inside() { [ "$top" = / ] && return 0; case "$1/" in "$top"/*) return 0;; esac; return 1; }
inside "$real" || exit 3
"#;

/// Enters `$real`, a folder (exit 5 for a file), checked again where it is.
const ENTER: &str = r#"
[ -d "$real" ] || exit 5
cd -- "$real" || exit 4
inside "$(pwd -P)" || exit 3
"#;

/// What the path is: prints `folder`, `file` or `other`.
pub fn kind() -> String {
    format!(
        "{RESOLVE}{}",
        r#"if [ -d "$real" ]; then echo folder; elif [ -f "$real" ]; then echo file; else echo other; fi"#
    )
}

/// A file's bytes after a first line `ok`; exit 5 for anything but a
/// regular file. Once open, the file is checked where it really is
/// (Linux's `/proc`), so a link swapped in meanwhile is caught.
pub fn cat() -> String {
    format!(
        "{RESOLVE}{}",
        r#"[ -f "$real" ] || exit 5
exec 3< "$real" || exit 4
if [ -e "/proc/$$/fd/3" ]; then inside "$(readlink "/proc/$$/fd/3")" || exit 3; fi
printf 'ok\n'
exec cat <&3"#
    )
}

/// The folder as a tar (links as links, never followed) after a first
/// line `ok`; the root without `.git`.
pub fn tar() -> String {
    format!(
        "{RESOLVE}{ENTER}{}",
        r#"printf 'ok\n'
if [ -z "$2" ]; then exec tar -cf - --exclude=./.git .; else exec tar -cf - .; fi"#
    )
}

/// stdin into the new file `$3` of the folder (a hidden temporary name).
pub fn receive() -> String {
    format!("{RESOLVE}{ENTER}{}", r#"set -C; cat > "$3" || exit 6"#)
}

/// Puts received files in place: `$3…` are pairs of a temporary file and
/// its name. All or nothing: exit 7 (the name on stderr) when a name is
/// taken, the ones placed removed again; the temporary files go either way.
pub fn place() -> String {
    format!(
        "{RESOLVE}{ENTER}{}",
        r#"shift 2
set -C
k=0; placed=0; failed=
for a; do
  if [ $((k % 2)) -eq 0 ]; then t=$a
  elif [ -e "$a" ] || [ -L "$a" ] || ! cat -- "$t" > "$a" 2>/dev/null; then failed=$a; break
  else placed=$((placed + 1)); fi
  k=$((k + 1))
done
k=0
for a; do
  if [ $((k % 2)) -eq 0 ]; then rm -f -- "$a"
  elif [ -n "$failed" ] && [ $((k / 2)) -lt "$placed" ]; then rm -f -- "$a"; fi
  k=$((k + 1))
done
if [ -n "$failed" ]; then printf '%s\n' "$failed" >&2; exit 7; fi"#
    )
}

/// Removes temporary files `$3…` of the folder.
pub fn clean() -> String {
    format!("{RESOLVE}{ENTER}{}", r#"shift 2; rm -f -- "$@""#)
}

/// What a script's exit code says, when it is not 0.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 3: the path leads out of the chat's directory.
    Outside,
    /// 4: nothing is there.
    Missing,
    /// 5: a file where a folder is wanted, or the other way round.
    WrongKind,
    /// 7: a name already there (the name).
    Exists(String),
    /// 255: ssh itself failed.
    Ssh(String),
    /// Anything else (stderr's last line).
    Failed(String),
}

pub fn refusal(code: Option<i32>, stderr: &[u8]) -> Refusal {
    let said = String::from_utf8_lossy(stderr);
    let last = said
        .lines()
        .last()
        .unwrap_or("no message")
        .trim()
        .to_owned();
    match code {
        Some(3) => Refusal::Outside,
        Some(4) => Refusal::Missing,
        Some(5) => Refusal::WrongKind,
        Some(7) => Refusal::Exists(last),
        Some(255) => Refusal::Ssh(last),
        Some(code) => Refusal::Failed(format!("exit {code}: {last}")),
        None => Refusal::Failed("ended by a signal".into()),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;
    use std::process::Command;

    use super::*;

    fn run(script: &str, args: &[&str], stdin: &[u8]) -> (Option<i32>, String, String) {
        use std::io::Write;
        let mut child = Command::new("/bin/sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("sh");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin)
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    #[test]
    fn the_scripts_stay_inside_and_never_replace_a_file() {
        let base = std::env::temp_dir().join(format!("pc-shell-{}", rand::random::<u64>()));
        let top = base.join("chat");
        std::fs::create_dir_all(top.join("src")).expect("dirs");
        std::fs::write(top.join("src/a.rs"), "fn a() {}\n").expect("file");
        std::fs::write(base.join("secret"), "s").expect("secret");
        symlink(&base, top.join("out")).expect("link");
        symlink("src", top.join("in")).expect("link");
        let root = top.to_string_lossy().into_owned();
        assert_eq!(run(&cat(), &[&root, "src/a.rs"], b"").1, "ok\nfn a() {}\n");
        assert_eq!(run(&cat(), &[&root, "in/a.rs"], b"").0, Some(0));
        assert_eq!(run(&cat(), &[&root, "out/secret"], b"").0, Some(3));
        assert_eq!(run(&cat(), &[&root, "src"], b"").0, Some(5));
        assert_eq!(run(&cat(), &[&root, "nope"], b"").0, Some(4));
        assert_eq!(run(&kind(), &[&root, "in"], b"").1, "folder\n");
        assert_eq!(run(&receive(), &[&root, "out", ".t1"], b"x").0, Some(3));
        assert_eq!(run(&receive(), &[&root, "src", ".t1"], b"new").0, Some(0));
        assert_eq!(run(&receive(), &[&root, "src", ".t2"], b"two").0, Some(0));
        // `a.rs` is there: nothing placed, both temporary files gone.
        let (code, _, err) = run(&place(), &[&root, "src", ".t1", "b.rs", ".t2", "a.rs"], b"");
        assert_eq!((code, err.trim()), (Some(7), "a.rs"));
        let mut names: Vec<_> = std::fs::read_dir(top.join("src"))
            .expect("dir")
            .map(|e| e.expect("entry").file_name().into_string().expect("utf8"))
            .collect();
        names.sort();
        assert_eq!(names, ["a.rs"]);
        assert_eq!(run(&receive(), &[&root, "", ".t3"], b"hi").0, Some(0));
        assert_eq!(
            run(&place(), &[&root, "", ".t3", "new.txt"], b"").0,
            Some(0)
        );
        assert_eq!(
            std::fs::read_to_string(top.join("new.txt")).expect("placed"),
            "hi"
        );
        assert!(!top.join(".t3").exists());
        std::fs::remove_dir_all(&base).expect("cleanup");
    }
}
