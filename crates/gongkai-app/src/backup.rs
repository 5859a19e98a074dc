//! Backup and restore: one zip with every table's rows (portable between
//! SQLite and PostgreSQL) and the evidence files they refer to, signed with
//! the server's key (the format is `gongkai_io::backup`). A restore needs
//! the same key; it checks every part before loading anything, refuses
//! values outside their domain, verifies the audit chain, writes the files,
//! and only then commits.

use crate::{Error, Result};
use gongkai_io::backup::{BackupReader, BackupWriter};
use gongkai_store::Store;
use std::path::Path;

/// What a backup wrote.
#[derive(Debug)]
pub struct BackedUp {
    pub rows: usize,
    pub files: usize,
    /// Evidence files the rows name but the folder does not hold.
    pub missing: Vec<String>,
}

/// What a restore loaded.
#[derive(Debug)]
pub struct Restored {
    pub rows: usize,
    pub files: usize,
    /// When the backup was taken (RFC 3339).
    pub created_at: String,
}

/// The content address of an attachment row.
fn attachment_hash(row: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(row).ok()?;
    value["sha256"].as_str().map(String::from)
}

fn io(what: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Invalid(format!("无法写入 {}：{e}", what.display()))
}

/// Writes a backup of `store` (and the evidence files in `files`) to `out`:
/// beside it first, then renamed into place, so a backup is whole or absent.
pub async fn backup(store: &Store, out: &Path, files: &Path) -> Result<BackedUp> {
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial).map_err(io(&partial))?;
    let mut writer = BackupWriter::new(std::io::BufWriter::new(file), store.backup_key());
    let mut hashes = Vec::new();
    let rows = store
        .dump(|table, row| -> Result<()> {
            let written = match row {
                None => writer.begin_table(table),
                Some(row) => {
                    if table == "attachments"
                        && let Some(hash) = attachment_hash(row)
                    {
                        hashes.push(hash);
                    }
                    writer.row(row)
                }
            };
            written.map_err(|e| Error::Invalid(e.to_string()))
        })
        .await?;
    hashes.sort();
    hashes.dedup();
    let mut missing = Vec::new();
    for hash in &hashes {
        match crate::files::read(files, hash) {
            Ok(bytes) => writer.file(hash, &bytes).map_err(|e| Error::Invalid(e.to_string()))?,
            Err(_) => missing.push(hash.clone()),
        }
    }
    let created_at = chrono::Utc::now().to_rfc3339();
    let buffered = writer.finish(&created_at).map_err(|e| Error::Invalid(e.to_string()))?;
    let file = buffered.into_inner().map_err(|e| io(&partial)(e.into_error()))?;
    file.sync_all().map_err(io(&partial))?;
    std::fs::rename(&partial, out).map_err(io(out))?;
    Ok(BackedUp { rows, files: hashes.len() - missing.len(), missing })
}

/// Restores the backup at `input` into `store`, which must be new, and its
/// evidence files into `files`. On any problem nothing is kept and the
/// error says what and where.
pub async fn restore(store: &Store, input: &Path, files: &Path) -> Result<Restored> {
    let named = |e: gongkai_io::backup::BackupError| Error::Invalid(format!("{}：{e}", input.display()));
    let file = std::fs::File::open(input).map_err(|e| Error::Invalid(format!("无法读取 {}：{e}", input.display())))?;
    let mut reader = BackupReader::open(std::io::BufReader::new(file), store.backup_key()).map_err(named)?;
    // First every part and file against the signed manifest, then the load.
    reader.verify().map_err(named)?;
    let mut restore = store.begin_restore().await?;
    let mut rows = 0;
    for table in reader.manifest.tables.clone() {
        let mut lines = reader.table_rows(&table).map_err(named)?;
        while let Some(row) = lines.next_line().map_err(named)? {
            restore.insert(&table.name, row).await?;
            rows += 1;
        }
    }
    // The backup's own checkpoints are in its rows; what is published beside
    // the new database belongs to whatever was there before.
    restore.verify(store, &[]).await?;
    // The files, once the rows have passed every check.
    let file_list = reader.file_list().map_err(named)?;
    for entry in &file_list {
        let mut bytes = Vec::with_capacity(entry.bytes.min(64 << 20) as usize);
        reader.copy_file(entry, &mut bytes).map_err(named)?;
        crate::files::store(files, &bytes).map_err(io(files))?;
    }
    restore.commit().await?;
    Ok(Restored { rows, files: file_list.len(), created_at: reader.manifest.created_at.clone() })
}
