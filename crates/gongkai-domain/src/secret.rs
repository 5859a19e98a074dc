//! The server's secret key and what it signs. The key is kept outside the
//! database (a file in the data folder, or the environment), so whoever can
//! write the database still cannot forge the audit log's links, its
//! checkpoints or a backup. Each use gets its own key derived from it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// 32 secret bytes. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// What a derived key is for; a MAC made for one use never verifies for another.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    AuditChain,
    AuditCheckpoint,
    Backup,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::AuditChain => b"gongkai audit chain v1",
            Purpose::AuditCheckpoint => b"gongkai audit checkpoint v1",
            Purpose::Backup => b"gongkai backup v1",
        }
    }
}

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> SecretKey {
        SecretKey(bytes)
    }

    /// 64 hexadecimal digits, as the key file and the environment hold it.
    pub fn from_hex(text: &str) -> Result<SecretKey, String> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("密钥应是 64 位十六进制数字".into());
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).map_err(|e| e.to_string())?;
        }
        Ok(SecretKey(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The key for one use.
    pub fn derive(&self, purpose: Purpose) -> SecretKey {
        SecretKey(self.mac_bytes(&[purpose.label()]))
    }

    fn hmac(&self) -> HmacSha256 {
        // HMAC takes a key of any length.
        <HmacSha256 as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!())
    }

    fn mac_bytes(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.hmac();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// HMAC-SHA256 over the parts in order, as hexadecimal.
    pub fn mac(&self, parts: &[&[u8]]) -> String {
        hex(&self.mac_bytes(parts))
    }

    /// A MAC over data that arrives in pieces (a backup's part).
    pub fn streaming(&self) -> StreamingMac {
        StreamingMac(self.hmac())
    }

    /// Whether `expected` (hexadecimal) is the MAC of the parts; compared in
    /// constant time.
    pub fn verify(&self, parts: &[&[u8]], expected: &str) -> bool {
        let mut mac = self.hmac();
        for part in parts {
            mac.update(part);
        }
        unhex(expected).is_some_and(|bytes| mac.verify_slice(&bytes).is_ok())
    }
}

/// A MAC being computed over a stream of bytes.
pub struct StreamingMac(HmacSha256);

impl StreamingMac {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn verify(self, expected: &str) -> bool {
        unhex(expected).is_some_and(|bytes| self.0.verify_slice(&bytes).is_ok())
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize().into_bytes())
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mac_verifies_only_with_its_key_and_purpose() {
        let key = SecretKey::from_bytes([7; 32]);
        let other = SecretKey::from_bytes([8; 32]);
        let chain = key.derive(Purpose::AuditChain);
        let mac = chain.mac(&[b"seq 1", b"login"]);
        assert!(chain.verify(&[b"seq 1", b"login"], &mac));
        assert!(!chain.verify(&[b"seq 1", b"logout"], &mac));
        assert!(!key.derive(Purpose::Backup).verify(&[b"seq 1", b"login"], &mac));
        assert!(!other.derive(Purpose::AuditChain).verify(&[b"seq 1", b"login"], &mac));
        assert!(!chain.verify(&[b"seq 1", b"login"], "not hex"));
    }

    #[test]
    fn a_streamed_mac_is_the_mac_of_the_whole() {
        let key = SecretKey::from_bytes([1; 32]);
        let mut streaming = key.streaming();
        streaming.update(b"abc");
        streaming.update(b"def");
        assert_eq!(streaming.finish(), key.mac(&[b"abcdef"]));
    }

    #[test]
    fn the_key_reads_back_from_hex_and_never_shows_in_debug() {
        let key = SecretKey::from_bytes([0xab; 32]);
        assert_eq!(SecretKey::from_hex(&key.to_hex()).unwrap(), key);
        assert!(SecretKey::from_hex("abc").is_err());
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
    }
}
