//! Reading parts of an Office file (a zip archive) within limits: how many
//! entries it may have, and how many bytes a part and all parts together may
//! expand to. Sizes are counted while decompressing, never taken from what
//! the archive declares, so a zip bomb stops at the limit.

use crate::ImportError;
use std::io::{Cursor, Read};

/// What reading one archive may cost.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveLimits {
    /// Entries in the archive's directory.
    pub entries: usize,
    /// Bytes one part may expand to.
    pub part_bytes: u64,
    /// Bytes all the parts read may expand to together.
    pub total_bytes: u64,
}

/// A zip archive whose parts are read within `limits`.
pub struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    limits: ArchiveLimits,
    format: &'static str,
    expanded: u64,
}

const CENTRAL_ENTRY: &[u8] = b"PK\x01\x02";

impl<'a> Archive<'a> {
    /// Opens an archive after counting its directory entries: every entry
    /// starts with a central-directory signature, so their count bounds the
    /// entries before the zip reader allocates for them.
    pub fn open(bytes: &'a [u8], format: &'static str, limits: ArchiveLimits) -> Result<Archive<'a>, ImportError> {
        let signatures = bytes.windows(CENTRAL_ENTRY.len()).filter(|w| *w == CENTRAL_ENTRY).count();
        if signatures > limits.entries {
            return Err(ImportError::TooLarge(format!("{format}中的文件条目超过 {} 个", limits.entries)));
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| ImportError::Corrupt { format, detail: "不是完整的压缩包".into() })?;
        if zip.len() > limits.entries {
            return Err(ImportError::TooLarge(format!("{format}中的文件条目超过 {} 个", limits.entries)));
        }
        Ok(Archive { zip, limits, format, expanded: 0 })
    }

    /// The part's bytes, or `None` when the archive has no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let format = self.format;
        let mut part = match self.zip.by_name(name) {
            Ok(part) => part,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(_) => {
                return Err(ImportError::Corrupt { format, detail: format!("其中的“{name}”读不出来") });
            }
        };
        let allowed = self.limits.part_bytes.min(self.limits.total_bytes - self.expanded);
        // Never trust the declared size for the allocation either.
        let mut bytes = Vec::with_capacity(part.size().min(allowed).min(1 << 20) as usize);
        (&mut part)
            .take(allowed + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| ImportError::Corrupt { format, detail: format!("其中的“{name}”解压出错") })?;
        if bytes.len() as u64 > allowed {
            let limit = if allowed == self.limits.part_bytes { allowed } else { self.limits.total_bytes };
            return Err(ImportError::TooLarge(format!("{format}中的“{name}”解压后超过 {}", megabytes(limit))));
        }
        self.expanded += bytes.len() as u64;
        Ok(Some(bytes))
    }

    /// The part as UTF-8 text (Office parts are XML in UTF-8).
    pub fn read_text(&mut self, name: &str) -> Result<Option<String>, ImportError> {
        let format = self.format;
        self.read(name)?
            .map(|bytes| {
                String::from_utf8(bytes)
                    .map_err(|_| ImportError::Corrupt {
                        format, detail: format!("“{name}”不是 UTF-8 编码的 XML")
                    })
            })
            .transpose()
    }
}

/// "32 MB" for a byte count.
pub fn megabytes(bytes: u64) -> String {
    format!("{} MB", bytes / (1024 * 1024))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const LIMITS: ArchiveLimits = ArchiveLimits { entries: 4, part_bytes: 1000, total_bytes: 1500 };

    fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(body).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn a_part_that_expands_past_the_limit_is_refused_with_its_name() {
        let bytes = zip_of(&[("a.xml", vec![b'x'; 1001])]);
        let err = Archive::open(&bytes, "Excel 文件", LIMITS).unwrap().read("a.xml").unwrap_err();
        assert!(matches!(err, ImportError::TooLarge(ref m) if m.contains("a.xml")), "{err}");
    }

    #[test]
    fn parts_together_may_not_pass_the_total() {
        let bytes = zip_of(&[("a", vec![b'x'; 900]), ("b", vec![b'y'; 900])]);
        let mut archive = Archive::open(&bytes, "Word 文件", LIMITS).unwrap();
        assert_eq!(archive.read("a").unwrap().unwrap().len(), 900);
        assert!(matches!(archive.read("b"), Err(ImportError::TooLarge(_))));
    }

    #[test]
    fn too_many_entries_are_refused_before_reading_the_directory() {
        let parts: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("p{i}"), vec![])).collect();
        let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        let bytes = zip_of(&parts);
        assert!(matches!(Archive::open(&bytes, "Word 文件", LIMITS), Err(ImportError::TooLarge(_))));
    }

    #[test]
    fn a_missing_part_is_none_and_the_rest_reads() {
        let bytes = zip_of(&[("a", b"hello".to_vec())]);
        let mut archive = Archive::open(&bytes, "Word 文件", LIMITS).unwrap();
        assert_eq!(archive.read("missing").unwrap(), None);
        assert_eq!(archive.read_text("a").unwrap().as_deref(), Some("hello"));
    }
}
