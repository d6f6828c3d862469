//! Checking the login password: a plain password from the environment
//! (compared in constant time) or an argon2 PHC hash, never more than a few
//! checks at once.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// At most this many password checks run at once. An argon2 check holds
/// its hash's memory cost (`m=`, 19 MiB for `--hash-password`'s hashes)
/// until it ends, so this bounds what any flood of logins can make
/// pocketcode allocate: `CONCURRENT_CHECKS × m`, allocated by the first
/// checks and reused by the next.
pub const CONCURRENT_CHECKS: usize = 2;
/// How long an attempt waits for a free check before it is turned away.
pub const CHECK_WAIT: Duration = Duration::from_secs(3);

/// The one password pocketcode accepts.
#[derive(Clone)]
pub enum PasswordCheck {
    /// Stored as a SHA-256 digest so comparisons take the same time whatever
    /// the length of the guess.
    Plain([u8; 32]),
    /// An argon2 PHC string (`$argon2id$v=19$...`).
    Hash(String),
}

impl std::fmt::Debug for PasswordCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Plain(_) => f.write_str("PasswordCheck::Plain(..)"),
            Self::Hash(_) => f.write_str("PasswordCheck::Hash(..)"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "AUTH_PASSWORD_HASH is not an argon2 hash in PHC format ($argon2id$v=19$m=...,t=...,p=...$salt$hash): {0}"
)]
pub struct BadHash(String);

impl PasswordCheck {
    pub fn plain(password: &str) -> Self {
        Self::Plain(Sha256::digest(password.as_bytes()).into())
    }

    /// Validates the hash up front so a typo is a startup error, not a
    /// login that never works.
    pub fn hash(phc: &str) -> Result<Self, BadHash> {
        let parsed = PasswordHash::new(phc.trim()).map_err(|err| BadHash(err.to_string()))?;
        if !parsed.algorithm.as_str().starts_with("argon2") {
            return Err(BadHash(format!("algorithm is {}", parsed.algorithm)));
        }
        Ok(Self::Hash(phc.trim().to_string()))
    }

    /// A new argon2id PHC hash of `password` with a random salt, for
    /// AUTH_PASSWORD_HASH.
    pub fn new_hash(password: &str) -> Result<String, BadHash> {
        use argon2::password_hash::{PasswordHasher as _, SaltString};
        use rand::RngCore as _;
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|err| BadHash(err.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| BadHash(err.to_string()))
    }

    /// Whether `guess` is the password. Blocking for a hash (argon2 is slow
    /// on purpose): call it from `spawn_blocking`.
    pub fn matches(&self, guess: &str) -> bool {
        self.matches_in(guess, &mut Vec::new())
    }

    /// [`Self::matches`], with argon2's working memory in `memory` (grown to
    /// the hash's `m=` and left so for the next check).
    pub fn matches_in(&self, guess: &str, memory: &mut Vec<Block>) -> bool {
        match self {
            Self::Plain(digest) => {
                let guess: [u8; 32] = Sha256::digest(guess.as_bytes()).into();
                bool::from(digest.ct_eq(&guess))
            }
            Self::Hash(phc) => PasswordHash::new(phc)
                .and_then(|hash| verify_in(&hash, guess, memory))
                .unwrap_or(false),
        }
    }
}

/// What argon2's `verify_password` does, but in memory the caller keeps:
/// a freed buffer of many MiB is one the allocator may hold on to, so
/// buffers allocated per check add up, over a flood, far beyond the few
/// checks running at once.
fn verify_in(
    hash: &PasswordHash<'_>,
    guess: &str,
    memory: &mut Vec<Block>,
) -> argon2::password_hash::Result<bool> {
    use argon2::password_hash::Error;
    let algorithm = Algorithm::try_from(hash.algorithm)?;
    let version = hash
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let params = Params::try_from(hash)?;
    let expected = hash.hash.ok_or(Error::Password)?;
    let mut salt = [0u8; 64];
    let salt = hash.salt.ok_or(Error::Password)?.decode_b64(&mut salt)?;
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let mut output = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        guess.as_bytes(),
        salt,
        &mut output,
        &mut memory[..],
    )?;
    Ok(bool::from(output.ct_eq(expected.as_bytes())))
}

/// No password check came free in time.
#[derive(Debug, thiserror::Error)]
#[error("{CONCURRENT_CHECKS} password checks are running and none came free within {CHECK_WAIT:?}")]
pub struct Busy;

/// argon2's working memory, one buffer per check running at once: kept
/// and reused, so a flood allocates it once.
type Memory = Arc<Mutex<Vec<Vec<Block>>>>;

/// The password, with its bound on checks running at once.
#[derive(Debug)]
pub struct PasswordGate {
    check: PasswordCheck,
    running: Arc<Semaphore>,
    memory: Memory,
}

/// The right to run one password check.
#[derive(Debug)]
pub struct CheckSlot {
    check: PasswordCheck,
    memory: Memory,
    _permit: OwnedSemaphorePermit,
}

impl PasswordGate {
    pub fn new(check: PasswordCheck) -> Self {
        Self {
            check,
            running: Arc::new(Semaphore::new(CONCURRENT_CHECKS)),
            memory: Memory::default(),
        }
    }

    pub fn check(&self) -> &PasswordCheck {
        &self.check
    }

    /// Waits (at most [`CHECK_WAIT`]) until a check may run.
    pub async fn slot(&self) -> Result<CheckSlot, Busy> {
        let permit = tokio::time::timeout(CHECK_WAIT, self.running.clone().acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        Ok(CheckSlot {
            check: self.check.clone(),
            memory: self.memory.clone(),
            _permit: permit,
        })
    }
}

impl CheckSlot {
    /// Whether `guess` is the password, checked on a blocking thread. The
    /// slot goes with the check, so a client that hangs up mid-check does
    /// not free it while argon2 still holds its memory.
    pub async fn matches(self, guess: String) -> bool {
        tokio::task::spawn_blocking(move || {
            let pool = || self.memory.lock().unwrap_or_else(PoisonError::into_inner);
            // Never more buffers than slots: each slot takes one and puts it back.
            let mut memory = pool().pop().unwrap_or_default();
            let matches = self.check.matches_in(&guess, &mut memory);
            pool().push(memory);
            matches
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, SaltString};

    #[test]
    fn plain_password_matches_only_itself() {
        let check = PasswordCheck::plain("correct horse");
        assert!(check.matches("correct horse"));
        assert!(!check.matches("correct hors"));
        assert!(!check.matches("correct horse "));
        assert!(!check.matches(""));
    }

    #[test]
    fn argon2_hash_matches_its_password_and_bad_hashes_are_refused() {
        let salt = SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").expect("salt");
        let phc = Argon2::default()
            .hash_password(b"hunter22", &salt)
            .expect("hash")
            .to_string();
        let check = PasswordCheck::hash(&phc).expect("valid hash");
        assert!(check.matches("hunter22"));
        assert!(!check.matches("hunter23"));
        assert!(PasswordCheck::hash("hunter22").is_err());
        let fresh = PasswordCheck::new_hash("pw").expect("new hash");
        assert!(fresh.starts_with("$argon2id$"));
        let fresh = PasswordCheck::hash(&fresh).expect("parses");
        assert!(fresh.matches("pw") && !fresh.matches("pw2"));
        assert!(PasswordCheck::hash("$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA").is_err());
    }

    #[test]
    fn other_argon2_variants_and_parameters_verify_in_reused_memory() {
        let salt = SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").expect("salt");
        let params = Params::new(64, 1, 2, Some(16)).expect("params");
        let phc = Argon2::new(Algorithm::Argon2i, Version::V0x10, params)
            .hash_password(b"hunter22", &salt)
            .expect("hash")
            .to_string();
        let check = PasswordCheck::hash(&phc).expect("valid hash");
        let mut memory = Vec::new();
        assert!(check.matches_in("hunter22", &mut memory));
        assert_eq!(memory.len(), 64, "grown to m= blocks");
        assert!(!check.matches_in("hunter2", &mut memory));
        let bigger = PasswordCheck::new_hash("pw").expect("new hash");
        let bigger = PasswordCheck::hash(&bigger).expect("parses");
        assert!(bigger.matches_in("pw", &mut memory));
        assert_eq!(memory.len(), 19 * 1024, "the default m=19456");
    }

    #[tokio::test]
    async fn no_more_than_the_allowed_checks_run_at_once() {
        let gate = PasswordGate::new(PasswordCheck::plain("pw"));
        let mut held = Vec::new();
        for _ in 0..CONCURRENT_CHECKS {
            held.push(gate.slot().await.expect("a free slot"));
        }
        let waiting = tokio::time::timeout(Duration::from_millis(100), gate.slot()).await;
        assert!(waiting.is_err(), "all slots taken: the next one waits");
        let slot = held.pop().expect("held");
        assert!(slot.matches("pw".into()).await);
        assert!(
            gate.slot().await.is_ok(),
            "the finished check freed its slot"
        );
    }
}
