//! The server's key on disk: 64 hexadecimal digits in a file only its owner
//! may read, made on first use. It lives outside the database on purpose
//! (see `gongkai_domain::secret`).

use crate::{StoreError, StoreResult};
use gongkai_domain::secret::SecretKey;
use std::io::Write;
use std::path::Path;

/// Reads the key at `path`, making one when there is no file yet; `true`
/// when it was made now.
pub fn load_or_create(path: &Path) -> StoreResult<(SecretKey, bool)> {
    let unreadable = |e: std::io::Error| StoreError::Invalid(format!("无法读取密钥文件 {}：{e}", path.display()));
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = SecretKey::from_hex(&text)
                .map_err(|e| StoreError::Invalid(format!("密钥文件 {} 已损坏：{e}", path.display())))?;
            return Ok((key, false));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(unreadable(e)),
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Invalid(format!("系统随机数不可用：{e}")))?;
    let key = SecretKey::from_bytes(bytes);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(unreadable)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            writeln!(file, "{}", key.to_hex()).and_then(|()| file.sync_all()).map_err(unreadable)?;
            Ok((key, true))
        }
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path),
        Err(e) => Err(unreadable(e)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_is_made_once_and_read_back_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/secret.key");
        let (made, new) = super::load_or_create(&path).unwrap();
        assert!(new);
        let (read, new) = super::load_or_create(&path).unwrap();
        assert!(!new);
        assert_eq!(made, read);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(super::load_or_create(&path).is_err());
    }
}
