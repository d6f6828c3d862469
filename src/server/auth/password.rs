//! Checking the login password: a plain password from the environment
//! (compared in constant time) or an argon2 PHC hash.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

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
        match self {
            Self::Plain(digest) => {
                let guess: [u8; 32] = Sha256::digest(guess.as_bytes()).into();
                bool::from(digest.ct_eq(&guess))
            }
            Self::Hash(phc) => PasswordHash::new(phc).is_ok_and(|hash| {
                Argon2::default()
                    .verify_password(guess.as_bytes(), &hash)
                    .is_ok()
            }),
        }
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
}
