//! Passwords (argon2id), random secrets (session ids, API tokens, CSRF
//! tokens) and their stored form (SHA-256): the database never holds a
//! secret that would let someone in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("系统随机数不可用：{0}")]
    Random(String),
    #[error("密码无法处理：{0}")]
    Hash(String),
}

/// The argon2id hash of a password, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, SecretError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| SecretError::Hash(e.to_string()))
}

/// True when `password` matches the stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    #[cfg(test)]
    VERIFICATIONS.with(|n| n.set(n.get() + 1));
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

#[cfg(test)]
thread_local! {
    /// Argon2 checks made on this thread, for tests.
    static VERIFICATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A sign-in's password check: against the account's hash, or, for an
/// unknown or disabled login (`None`), against a hash of nothing, so that
/// both take the same time and the answer does not tell which logins exist.
pub fn check_sign_in(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    match hash {
        Some(hash) => verify_password(password, hash),
        None => {
            let dummy = DUMMY.get_or_init(|| hash_password("没有这个账号 no such account").unwrap_or_default());
            let _ = verify_password(password, dummy);
            false
        }
    }
}

/// 32 random bytes as hex: session ids, API tokens, CSRF tokens.
pub fn new_secret() -> Result<String, SecretError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(hex(&bytes))
}

/// A readable one-time password for a new account: 16 letters and digits
/// without look-alikes (no 0/O, 1/l/I).
pub fn new_password() -> Result<String, SecretError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect())
}

/// How a random secret is stored: its SHA-256.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("正确的密码 horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码 horse", &hash));
        assert!(!verify_password("错误的密码", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn an_unknown_login_costs_a_password_check_like_a_known_one() {
        let hash = hash_password("正确的密码 horse 2020").unwrap();
        let checks = || VERIFICATIONS.with(std::cell::Cell::get);
        let before = checks();
        assert!(!check_sign_in("猜的密码", Some(&hash)));
        let known = checks() - before;
        let before = checks();
        assert!(!check_sign_in("猜的密码", None));
        assert_eq!(checks() - before, known, "an unknown login is checked against a dummy hash");
        assert!(check_sign_in("正确的密码 horse 2020", Some(&hash)));
    }

    #[test]
    fn secrets_are_random_and_stored_only_as_hashes() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(secret_hash(&a), a);
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_eq!(new_password().unwrap().len(), 16);
    }
}
