//! Evidence files: names and contents checked before anything is stored,
//! bytes kept in a content-addressed folder (`ab/abcdef…`, by SHA-256), so
//! the same file uploaded twice is stored once and a name can never reach
//! outside the folder.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What may be uploaded: extension, content type, and how the bytes start.
const KINDS: &[(&str, &str, &[u8])] = &[
    ("pdf", "application/pdf", b"%PDF-"),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ("ofd", "application/ofd", b"PK\x03\x04"),
    ("zip", "application/zip", b"PK\x03\x04"),
    ("doc", "application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("xls", "application/vnd.ms-excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
];

/// Checks a file's name and bytes; gives its content type, or why it is refused.
pub fn check(name: &str, bytes: &[u8], max_bytes: usize) -> Result<&'static str, String> {
    let bad_name = name.is_empty()
        || name.chars().count() > 200
        || name.contains(['/', '\\', ':'])
        || name.contains("..")
        || name.starts_with('.')
        || name.chars().any(char::is_control);
    if bad_name {
        return Err(format!(
            "文件名“{}”不可用：不能含有路径、“..”或控制字符",
            name.chars().take(60).collect::<String>()
        ));
    }
    if bytes.len() > max_bytes {
        return Err(format!("文件“{name}”超过 {} MB 上限", max_bytes / (1024 * 1024)));
    }
    if bytes.is_empty() {
        return Err(format!("文件“{name}”是空的"));
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if extension == "txt" {
        return match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => Ok("text/plain; charset=utf-8"),
            _ => Err(format!("文件“{name}”的内容不是文本")),
        };
    }
    let Some((_, content_type, magic)) = KINDS.iter().find(|(e, _, _)| *e == extension) else {
        return Err(format!(
            "不支持的文件类型“.{extension}”：可上传 PDF、图片（PNG/JPG）、Word、Excel、OFD、ZIP 或文本文件"
        ));
    };
    if !bytes.starts_with(magic) {
        return Err(format!("文件“{name}”的内容不是 .{extension} 文件（可能改过扩展名）"));
    }
    Ok(content_type)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn path_of(root: &Path, sha256: &str) -> Option<PathBuf> {
    let valid = sha256.len() == 64 && sha256.chars().all(|c| c.is_ascii_hexdigit());
    valid.then(|| root.join(&sha256[..2]).join(sha256))
}

/// Stores the bytes durably (written, synced, then renamed into place) and
/// gives their SHA-256.
pub fn store(root: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha256 = sha256_hex(bytes);
    let path = path_of(root, &sha256).ok_or_else(|| std::io::Error::other("bad hash"))?;
    if path.exists() {
        return Ok(sha256);
    }
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent"))?;
    std::fs::create_dir_all(dir)?;
    // Unique per writer: two requests may carry the same file at once.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = dir.join(format!(".{sha256}.{}.{n}", std::process::id()));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, &path)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(sha256)
}

pub fn read(root: &Path, sha256: &str) -> std::io::Result<Vec<u8>> {
    let path = path_of(root, sha256).ok_or_else(|| std::io::Error::other("bad hash"))?;
    std::fs::read(path)
}

/// A file's type as people name it: "PDF", "图片", "Word 文档".
pub fn kind_words(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "PDF",
        "image/png" | "image/jpeg" => "图片",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" | "application/msword" => "Word 文档",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" | "application/vnd.ms-excel" => {
            "Excel 表格"
        }
        "application/ofd" => "OFD 版式文件",
        "application/zip" => "压缩包",
        t if t.starts_with("text/") => "文本",
        _ => "文件",
    }
}

/// Whether a browser shows the file itself (PDF, pictures); others download.
pub fn previewable(content_type: &str) -> bool {
    matches!(content_type, "application/pdf" | "image/png" | "image/jpeg")
}

/// A size as people read it: "812 字节", "12.3 KB", "4.5 MB".
pub fn size_words(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} 字节"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_are_named_in_words() {
        assert_eq!(super::kind_words("application/pdf"), "PDF");
        assert_eq!(super::kind_words("image/jpeg"), "图片");
        assert_eq!(super::size_words(812), "812 字节");
        assert_eq!(super::size_words(12_595), "12.3 KB");
        assert_eq!(super::size_words(4_718_592), "4.5 MB");
        assert!(super::previewable("image/png") && !super::previewable("application/zip"));
    }

    use super::*;

    #[test]
    fn contents_must_match_the_name() {
        assert_eq!(check("报告.pdf", b"%PDF-1.7 ...", 100), Ok("application/pdf"));
        assert!(check("报告.pdf", b"MZ\x90\x00 an exe", 100).unwrap_err().contains("改过扩展名"));
        assert!(check("run.exe", b"MZ", 100).unwrap_err().contains("不支持"));
        assert!(check("说明.txt", "文字".as_bytes(), 100).is_ok());
    }

    #[test]
    fn names_that_reach_outside_the_folder_are_refused() {
        for name in ["../../etc/passwd", "a/b.pdf", "..\\x.pdf", ".hidden.pdf", "a\u{0}.pdf", ""] {
            assert!(check(name, b"%PDF-", 100).is_err(), "{name:?}");
        }
    }

    #[test]
    fn too_large_is_refused_with_the_limit() {
        assert!(check("big.pdf", &[b'%'; 3 * 1024 * 1024], 2 * 1024 * 1024).unwrap_err().contains("2 MB"));
    }

    #[test]
    fn stored_files_come_back_and_are_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = store(dir.path(), b"%PDF-1 same").unwrap();
        let b = store(dir.path(), b"%PDF-1 same").unwrap();
        assert_eq!(a, b);
        assert_eq!(read(dir.path(), &a).unwrap(), b"%PDF-1 same");
        assert!(read(dir.path(), "../../etc/passwd").is_err());
    }
}
