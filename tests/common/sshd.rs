//! A real sshd on a free loopback port, with its own host key, two client
//! keys (one without a passphrase, one locked by one) and a known_hosts
//! file that trusts it. Stopped (SIGTERM, then SIGKILL) when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::TempDir;

pub struct Sshd {
    pub port: u16,
    /// Logs in without a passphrase.
    pub key: PathBuf,
    /// Authorised too, but locked by a passphrase.
    pub locked_key: PathBuf,
    /// Trusts this sshd's host key.
    pub known_hosts: PathBuf,
    /// Trusts nothing.
    pub empty_known_hosts: PathBuf,
    pub user: String,
    child: Child,
    dir: TempDir,
}

fn keygen(path: &Path, passphrase: &str) {
    let status = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            passphrase,
            "-C",
            "pocketcode-test",
            "-f",
        ])
        .arg(path)
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success(), "ssh-keygen {}", path.display());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Sshd {
    pub fn start() -> Self {
        Self::start_with_env(&[])
    }

    /// With `SetEnv` for every session (PATH, HOME, …: what the "remote"
    /// machine looks like to a command run over ssh).
    pub fn start_with_env(env: &[(&str, String)]) -> Self {
        let dir = TempDir::new();
        let path = |name: &str| dir.path().join(name);
        keygen(&path("host_key"), "");
        keygen(&path("client_key"), "");
        keygen(&path("locked_key"), "correct-passphrase");
        let authorized: String = ["client_key.pub", "locked_key.pub"]
            .iter()
            .map(|f| std::fs::read_to_string(path(f)).expect("public key"))
            .collect();
        std::fs::write(path("authorized_keys"), authorized).expect("authorized_keys");
        std::fs::create_dir_all("/run/sshd").expect("/run/sshd");
        let port = free_port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nAuthorizedKeysFile {}\n\
             StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             PermitRootLogin prohibit-password\nAllowTcpForwarding yes\nLogLevel VERBOSE\n{}",
            path("host_key").display(),
            path("sshd.pid").display(),
            path("authorized_keys").display(),
            // One line: sshd keeps only the first of repeated keywords.
            if env.is_empty() {
                String::new()
            } else {
                let pairs: Vec<String> = env
                    .iter()
                    .map(|(name, value)| format!("\"{name}={value}\""))
                    .collect();
                format!("SetEnv {}\n", pairs.join(" "))
            },
        );
        std::fs::write(path("sshd_config"), config).expect("sshd_config");
        let log = std::fs::File::create(path("sshd.log")).expect("log");
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(path("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("sshd starts (apt-get install openssh-server)");
        let host_key = std::fs::read_to_string(path("host_key.pub")).expect("host key");
        let mut words = host_key.split_whitespace();
        let (kind, key) = (
            words.next().unwrap_or_default(),
            words.next().unwrap_or_default(),
        );
        std::fs::write(
            path("known_hosts"),
            format!("[127.0.0.1]:{port} {kind} {key}\n"),
        )
        .expect("known_hosts");
        std::fs::write(path("empty_known_hosts"), "").expect("empty known_hosts");
        let user = String::from_utf8(Command::new("id").arg("-un").output().expect("id").stdout)
            .expect("utf-8")
            .trim()
            .to_owned();
        let sshd = Self {
            port,
            key: path("client_key"),
            locked_key: path("locked_key"),
            known_hosts: path("known_hosts"),
            empty_known_hosts: path("empty_known_hosts"),
            user,
            child,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "sshd did not listen: {}",
                sshd.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        sshd
    }

    /// A "remote" whose non-interactive ssh sessions find opencode on the PATH
    /// (or, with `with_opencode = false`, do not), with its home in a temp dir.
    pub fn remote_machine(home: &Path, with_opencode: bool) -> Self {
        let bin = home.join("bin");
        std::fs::create_dir_all(&bin).expect("bin");
        std::fs::create_dir_all(home.join("tmp")).expect("tmp");
        if with_opencode {
            let opencode = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("node_modules/opencode-linux-x64/bin/opencode");
            std::os::unix::fs::symlink(opencode, bin.join("opencode")).expect("symlink");
        }
        let home = home.display().to_string();
        Self::start_with_env(&[
            ("PATH", format!("{}:/usr/bin:/bin", bin.display())),
            ("HOME", home.clone()),
            ("TMPDIR", format!("{home}/tmp")),
            ("XDG_DATA_HOME", format!("{home}/data")),
            ("XDG_CONFIG_HOME", format!("{home}/config")),
            ("XDG_STATE_HOME", format!("{home}/state")),
            ("XDG_CACHE_HOME", format!("{home}/cache")),
            ("OPENCODE_DISABLE_AUTOUPDATE", "1".into()),
            ("OPENCODE_DISABLE_MODELS_FETCH", "1".into()),
        ])
    }

    /// A directory of this sshd's that lives as long as it does.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
