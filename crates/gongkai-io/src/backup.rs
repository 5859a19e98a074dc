//! The backup file: one zip that a backup streams into and a restore reads
//! back in two passes, the first checking everything, the second loading.
//!
//! - `tables/<table>.jsonl`: a table's rows, one JSON object per line;
//! - `files.jsonl`: the evidence files, `{"sha256", "bytes"}` per line;
//! - `files/<sha256>`: each evidence file's bytes;
//! - `manifest.json`: format, version, time, and for each part its name,
//!   rows, bytes and HMAC under the server's backup key;
//! - `manifest.mac`: the HMAC of `manifest.json`.
//!
//! Nothing in a backup is believed before `manifest.mac` verifies; after
//! that, every part must have exactly the bytes and MAC the manifest gives,
//! and every file the hash it is named by. A line is at most
//! [`MAX_LINE_BYTES`]; the manifest at most [`MAX_MANIFEST_BYTES`].

use gongkai_domain::secret::{SecretKey, StreamingMac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Seek, Write};

pub const FORMAT: &str = "gongkai-backup";
pub const VERSION: u32 = 2;
const MANIFEST: &str = "manifest.json";
const MANIFEST_MAC: &str = "manifest.mac";
const FILE_LIST: &str = "files.jsonl";
/// A manifest lists a few dozen parts.
pub const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;
/// One row: text fields are limited at the edge (a report to 20,000
/// characters), so a row is far below this.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("不是 gongkai 的备份文件：{0}")]
    NotABackup(String),
    #[error("备份文件的签名不符：文件被改动过，或不是用这把密钥备份的（恢复需要原服务器的密钥文件）")]
    BadSignature,
    #[error("不认识的备份格式：{format} 版本 {version}（这个版本的 gongkai 读取 {FORMAT} 版本 {VERSION}）")]
    Version { format: String, version: u32 },
    #[error("备份中的“{part}”与清单不符：{problem}")]
    Tampered { part: String, problem: String },
    #[error("备份中的“{part}”有一行超过 {} MB", MAX_LINE_BYTES / (1024 * 1024))]
    LineTooLong { part: String },
    #[error("读写备份文件出错：{0}")]
    Io(#[from] std::io::Error),
    #[error("备份文件的压缩格式有误：{0}")]
    Zip(#[from] zip::result::ZipError),
}

/// One part as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub rows: u64,
    pub bytes: u64,
    pub mac: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub created_at: String,
    /// The tables in the order they were written (the order a restore needs).
    pub tables: Vec<Part>,
    /// The list of evidence files.
    pub files: Part,
}

/// An evidence file as the file list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub sha256: String,
    pub bytes: u64,
}

fn table_part(table: &str) -> String {
    format!("tables/{table}.jsonl")
}

/// A part being written: its MAC and counts as they grow.
struct Open {
    name: String,
    mac: StreamingMac,
    rows: u64,
    bytes: u64,
}

/// Writes a backup part by part: tables (rows in order), then files.
pub struct BackupWriter<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    key: SecretKey,
    tables: Vec<Part>,
    files: Vec<FileEntry>,
    open: Option<Open>,
}

fn options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true)
}

impl<W: Write + Seek> BackupWriter<W> {
    /// `key` is the server's backup key (`Purpose::Backup`).
    pub fn new(out: W, key: SecretKey) -> BackupWriter<W> {
        BackupWriter { zip: zip::ZipWriter::new(out), key, tables: Vec::new(), files: Vec::new(), open: None }
    }

    fn close_table(&mut self) {
        if let Some(open) = self.open.take() {
            let Open { name, mac, rows, bytes } = open;
            self.tables.push(Part { name, rows, bytes, mac: mac.finish() });
        }
    }

    pub fn begin_table(&mut self, table: &str) -> Result<(), BackupError> {
        self.close_table();
        self.zip.start_file(table_part(table), options())?;
        self.open = Some(Open { name: table.to_string(), mac: self.key.streaming(), rows: 0, bytes: 0 });
        Ok(())
    }

    /// One row of the table begun last, as JSON text on one line.
    pub fn row(&mut self, json: &str) -> Result<(), BackupError> {
        let Some(open) = self.open.as_mut() else {
            return Err(BackupError::NotABackup("行写在表之前".into()));
        };
        debug_assert!(!json.contains('\n'));
        for piece in [json.as_bytes(), b"\n"] {
            self.zip.write_all(piece)?;
            open.mac.update(piece);
            open.bytes += piece.len() as u64;
        }
        open.rows += 1;
        Ok(())
    }

    /// An evidence file, named by its SHA-256.
    pub fn file(&mut self, sha256: &str, bytes: &[u8]) -> Result<(), BackupError> {
        self.close_table();
        self.zip.start_file(format!("files/{sha256}"), options())?;
        self.zip.write_all(bytes)?;
        self.files.push(FileEntry { sha256: sha256.to_string(), bytes: bytes.len() as u64 });
        Ok(())
    }

    /// Writes the file list and the signed manifest; gives the writer back.
    pub fn finish(mut self, created_at: &str) -> Result<W, BackupError> {
        self.close_table();
        self.zip.start_file(FILE_LIST, options())?;
        let mut mac = self.key.streaming();
        let mut bytes = 0;
        for file in &self.files {
            let line = format!("{}\n", serde_json::to_string(file).map_err(std::io::Error::other)?);
            self.zip.write_all(line.as_bytes())?;
            mac.update(line.as_bytes());
            bytes += line.len() as u64;
        }
        let files = Part { name: "files".into(), rows: self.files.len() as u64, bytes, mac: mac.finish() };
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            created_at: created_at.into(),
            tables: std::mem::take(&mut self.tables),
            files,
        };
        let text = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
        self.zip.start_file(MANIFEST, options())?;
        self.zip.write_all(&text)?;
        self.zip.start_file(MANIFEST_MAC, options())?;
        self.zip.write_all(self.key.mac(&[&text]).as_bytes())?;
        Ok(self.zip.finish()?)
    }
}

/// A backup opened for restore: its manifest verified, parts not yet read.
pub struct BackupReader<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    key: SecretKey,
    pub manifest: Manifest,
}

/// At most `max` bytes of a part; `None` if the archive has no such part.
fn read_small<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str, max: u64) -> Result<Vec<u8>, BackupError> {
    let part = match zip.by_name(name) {
        Ok(part) => part,
        Err(zip::result::ZipError::FileNotFound) => return Err(BackupError::NotABackup(format!("缺少 {name}"))),
        Err(e) => return Err(e.into()),
    };
    let mut bytes = Vec::new();
    part.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(BackupError::NotABackup(format!("{name} 过大")));
    }
    Ok(bytes)
}

impl<R: Read + Seek> BackupReader<R> {
    /// Opens a backup and checks its manifest's signature with the server's
    /// backup key; nothing else in the file is read yet.
    pub fn open(input: R, key: SecretKey) -> Result<BackupReader<R>, BackupError> {
        let mut zip = zip::ZipArchive::new(input).map_err(|e| BackupError::NotABackup(format!("不是压缩包（{e}）")))?;
        let text = read_small(&mut zip, MANIFEST, MAX_MANIFEST_BYTES)?;
        let mac = read_small(&mut zip, MANIFEST_MAC, 128)?;
        if !key.verify(&[&text], std::str::from_utf8(&mac).unwrap_or_default().trim()) {
            return Err(BackupError::BadSignature);
        }
        let manifest: Manifest = serde_json::from_slice(&text)
            .map_err(|e| BackupError::NotABackup(format!("{MANIFEST} 无法读取（{e}）")))?;
        if manifest.format != FORMAT || manifest.version != VERSION {
            return Err(BackupError::Version { format: manifest.format, version: manifest.version });
        }
        Ok(BackupReader { zip, key, manifest })
    }

    /// Reads one part line by line (see [`PartLines`]).
    pub fn part_lines(&mut self, path: &str, part: &Part) -> Result<PartLines<'_, R>, BackupError> {
        let entry = match self.zip.by_name(path) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(BackupError::Tampered { part: part.name.clone(), problem: "缺少这一部分".into() });
            }
            Err(e) => return Err(e.into()),
        };
        Ok(PartLines {
            reader: BufReader::new(entry.take(part.bytes + 1)),
            mac: Some(self.key.streaming()),
            part: part.clone(),
            bytes: 0,
            rows: 0,
            line: Vec::new(),
        })
    }

    /// Streams one part through `each_line` (see [`PartLines`]).
    fn lines(
        &mut self,
        path: &str,
        part: &Part,
        each_line: &mut dyn FnMut(&str) -> Result<(), BackupError>,
    ) -> Result<(), BackupError> {
        let mut lines = self.part_lines(path, part)?;
        while let Some(line) = lines.next_line()? {
            each_line(line)?;
        }
        Ok(())
    }

    /// A table's rows, one at a time (see [`PartLines`]).
    pub fn table_rows(&mut self, table: &Part) -> Result<PartLines<'_, R>, BackupError> {
        self.part_lines(&table_part(&table.name), table)
    }

    /// The evidence files the backup lists.
    pub fn file_list(&mut self) -> Result<Vec<FileEntry>, BackupError> {
        let part = self.manifest.files.clone();
        let mut files = Vec::new();
        self.lines(FILE_LIST, &part, &mut |line| {
            let file: FileEntry = serde_json::from_str(line)
                .map_err(|e| BackupError::Tampered {
                    part: "files".into(), problem: format!("无法读取（{e}）")
                })?;
            let valid = file.sha256.len() == 64 && file.sha256.bytes().all(|b| b.is_ascii_hexdigit());
            if !valid {
                return Err(BackupError::Tampered { part: "files".into(), problem: "文件名不是 SHA-256".into() });
            }
            files.push(file);
            Ok(())
        })?;
        Ok(files)
    }

    /// Streams one evidence file into `out`, checking its size and hash.
    pub fn copy_file(&mut self, file: &FileEntry, out: &mut dyn Write) -> Result<(), BackupError> {
        let tampered =
            |problem: &str| BackupError::Tampered { part: format!("files/{}", file.sha256), problem: problem.into() };
        let entry = match self.zip.by_name(&format!("files/{}", file.sha256)) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => return Err(tampered("缺少这个附件")),
            Err(e) => return Err(e.into()),
        };
        let mut reader = entry.take(file.bytes + 1);
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        loop {
            let n = reader.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > file.bytes {
                return Err(tampered("比清单所记的大"));
            }
            hasher.update(&buffer[..n]);
            out.write_all(&buffer[..n])?;
        }
        if total != file.bytes || gongkai_domain::secret::hex(&hasher.finalize()) != file.sha256 {
            return Err(tampered("内容与哈希不符"));
        }
        Ok(())
    }

    /// Checks every part and file against the manifest, reading nothing
    /// into memory but the file list and one line at a time.
    pub fn verify(&mut self) -> Result<(), BackupError> {
        for part in self.manifest.tables.clone() {
            self.lines(&table_part(&part.name), &part, &mut |_| Ok(()))?;
        }
        for file in self.file_list()? {
            self.copy_file(&file, &mut std::io::sink())?;
        }
        Ok(())
    }
}

/// One part read a line at a time, checked as it goes: it must have exactly
/// the bytes, rows and MAC the manifest gives. The verdict comes with the
/// end of the part, so a restore verifies every part first
/// ([`BackupReader::verify`]) and loads in a transaction that a failed
/// second check rolls back.
pub struct PartLines<'a, R: Read + Seek> {
    reader: BufReader<std::io::Take<zip::read::ZipFile<'a, R>>>,
    mac: Option<StreamingMac>,
    part: Part,
    bytes: u64,
    rows: u64,
    line: Vec<u8>,
}

impl<R: Read + Seek> PartLines<'_, R> {
    fn tampered(&self, problem: String) -> BackupError {
        BackupError::Tampered { part: self.part.name.clone(), problem }
    }

    /// The next line without its line break; `None` at the end of a part
    /// that checked out.
    pub fn next_line(&mut self) -> Result<Option<&str>, BackupError> {
        self.line.clear();
        let read = (&mut self.reader).take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut self.line)?;
        if read == 0 {
            let Some(mac) = self.mac.take() else { return Ok(None) };
            if self.bytes != self.part.bytes || self.rows != self.part.rows {
                let (bytes, rows) = (self.bytes, self.rows);
                return Err(self.tampered(format!(
                    "应有 {} 行 {} 字节，实有 {rows} 行 {bytes} 字节",
                    self.part.rows, self.part.bytes
                )));
            }
            if !mac.verify(&self.part.mac) {
                return Err(self.tampered("签名不符".into()));
            }
            return Ok(None);
        }
        if self.line.len() > MAX_LINE_BYTES {
            return Err(BackupError::LineTooLong { part: self.part.name.clone() });
        }
        if let Some(mac) = self.mac.as_mut() {
            mac.update(&self.line);
        }
        self.bytes += self.line.len() as u64;
        self.rows += 1;
        if self.bytes > self.part.bytes {
            return Err(self.tampered("比清单所记的长".into()));
        }
        let text = std::str::from_utf8(&self.line)
            .map_err(|_| BackupError::Tampered {
                part: self.part.name.clone(), problem: "不是 UTF-8 文本".into()
            })?;
        Ok(Some(text.trim_end_matches('\n')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_domain::secret::Purpose;

    fn key(byte: u8) -> SecretKey {
        SecretKey::from_bytes([byte; 32]).derive(Purpose::Backup)
    }

    fn backup(key: SecretKey) -> Vec<u8> {
        let mut writer = BackupWriter::new(std::io::Cursor::new(Vec::new()), key);
        writer.begin_table("users").unwrap();
        writer.row(r#"{"id":1,"login":"town","role":"handler"}"#).unwrap();
        writer.row(r#"{"id":2,"login":"office","role":"office"}"#).unwrap();
        writer.begin_table("units").unwrap();
        writer.file(&gongkai_domain::secret::hex(&Sha256::digest(b"%PDF-1")), b"%PDF-1").unwrap();
        writer.finish("2020-11-25T08:00:00Z").unwrap().into_inner()
    }

    #[test]
    fn a_backup_reads_back_row_by_row_and_file_by_file() {
        let mut reader = BackupReader::open(std::io::Cursor::new(backup(key(1))), key(1)).unwrap();
        reader.verify().unwrap();
        let tables = reader.manifest.tables.clone();
        assert_eq!(tables.iter().map(|t| (t.name.as_str(), t.rows)).collect::<Vec<_>>(), [("users", 2), ("units", 0)]);
        let mut rows = Vec::new();
        let mut lines = reader.table_rows(&tables[0]).unwrap();
        while let Some(row) = lines.next_line().unwrap() {
            rows.push(row.to_string());
        }
        drop(lines);
        assert!(rows[1].contains("office"));
        let files = reader.file_list().unwrap();
        let mut bytes = Vec::new();
        reader.copy_file(&files[0], &mut bytes).unwrap();
        assert_eq!(bytes, b"%PDF-1");
    }

    #[test]
    fn another_key_or_an_edited_part_is_refused() {
        assert!(matches!(
            BackupReader::open(std::io::Cursor::new(backup(key(1))), key(2)),
            Err(BackupError::BadSignature)
        ));
        // Rewrite the users part (a handler made office) and zip it again.
        let original = backup(key(1));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&original)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut body = Vec::new();
            entry.read_to_end(&mut body).unwrap();
            if name == "tables/users.jsonl" {
                body =
                    String::from_utf8(body).unwrap().replace(r#""role":"handler""#, r#""role":"office" "#).into_bytes();
            }
            out.start_file(name, options()).unwrap();
            out.write_all(&body).unwrap();
        }
        let edited = out.finish().unwrap().into_inner();
        let mut reader = BackupReader::open(std::io::Cursor::new(edited), key(1)).unwrap();
        let err = reader.verify().unwrap_err();
        assert!(matches!(err, BackupError::Tampered { ref part, .. } if part == "users"), "{err}");
    }
}
