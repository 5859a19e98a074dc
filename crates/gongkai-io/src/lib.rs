//! Files in and out: task lists from plain text, Word (.docx) and Excel
//! (.xlsx) into one `SourceList` with every cell's place, and the unit
//! directory from CSV; every reader bounded (`limits.rs`, `archive.rs`,
//! `xml.rs`). The backup file format (`backup.rs`). Files out (`out/`): the
//! 台账 workbook and official documents as .docx and PDF.
//!
//! May depend on: `gongkai-domain`; zip, quick-xml, csv, encoding_rs,
//! rust_xlsxwriter, Typst (behind the `pdf` feature). No database, no HTTP.

pub mod archive;
pub mod backup;
pub mod catalogue;
pub mod column;
mod docx;
mod grid;
pub mod limits;
pub mod out;
mod prose;
mod text;
pub mod units_csv;
mod xml;

/// The seed programme (从化区 2020, from `shared/seed/`) that a new
/// installation starts with, built into the binary.
pub const SEED_TASK_LIST: &str = include_str!("../data/conghua-2020-tasklist.txt");
/// The seed programme's plan year.
pub const SEED_PLAN_YEAR: i32 = 2020;

/// The day the seed programme takes effect (its 印发日期 as the built-in
/// programme is loaded): 2020-09-01, the list's first month of work.
pub fn seed_start() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2020, 9, 1).unwrap_or_default()
}
mod xlsx;

use gongkai_domain::plan::SourceList;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Said as a clerk reads it, never a library's words.
    #[error("文件已损坏或不是Word/Excel文件：{format}{detail}")]
    Corrupt { format: &'static str, detail: String },
    #[error("{at}：{message}")]
    Columns { at: String, message: String },
    #[error("不支持的文件类型“{0}”：请上传 .docx、.xlsx 或 .txt 文件")]
    UnknownFormat(String),
    #[error("文本文件不是 UTF-8 或 GB18030 编码")]
    Encoding,
    #[error("单位目录第 {line} 行：{message}")]
    Units { line: usize, message: String },
    /// A file, or something inside it, is past one of the limits in `limits`.
    #[error("{0}")]
    TooLarge(String),
}

/// The file formats a task list can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Xlsx,
    Text,
}

impl Format {
    /// From the file's name, checked against its first bytes: a .docx and an
    /// .xlsx are zip archives, a text file is not.
    pub fn detect(name: &str, bytes: &[u8]) -> Result<Format, ImportError> {
        let lower = name.to_lowercase();
        let is_zip = bytes.starts_with(b"PK\x03\x04");
        let format = if lower.ends_with(".docx") {
            Format::Docx
        } else if lower.ends_with(".xlsx") {
            Format::Xlsx
        } else if lower.ends_with(".txt") || lower.ends_with(".text") {
            Format::Text
        } else {
            return Err(ImportError::UnknownFormat(name.rsplit('.').next().unwrap_or(name).to_string()));
        };
        match (format, is_zip) {
            (Format::Text, true) => Err(ImportError::Corrupt {
                format: "文本文件",
                detail: "内容是压缩包（可能是改了扩展名的 Office 文件）".into(),
            }),
            (Format::Docx, false) => Err(ImportError::Corrupt {
                format: "Word 文件（.docx）",
                detail: "内容不是 .docx 格式（旧版 .doc 请另存为 .docx）".into(),
            }),
            (Format::Xlsx, false) => Err(ImportError::Corrupt {
                format: "Excel 文件（.xlsx）",
                detail: "内容不是 .xlsx 格式（旧版 .xls 请另存为 .xlsx）".into(),
            }),
            _ => Ok(format),
        }
    }
}

fn decode_text(bytes: &[u8]) -> Result<String, ImportError> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    // Chinese Windows writes GB18030 (GBK) text files.
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors { Err(ImportError::Encoding) } else { Ok(text.into_owned()) }
}

/// Reads a task list from a file's bytes; `name` gives its format. Files
/// larger than `limits::MAX_LIST_BYTES`, and files whose contents pass the
/// other limits, are refused before they are read further.
pub fn read_task_list(name: &str, bytes: &[u8]) -> Result<SourceList, ImportError> {
    read_task_list_mapped(name, bytes, &[])
}

pub use grid::{ColumnChoice, Role, parse_map};

/// `read_task_list` with columns given their roles by the office
/// ("具体要求" is the task), over what the reader would choose.
pub fn read_task_list_mapped(name: &str, bytes: &[u8], map: &[ColumnChoice]) -> Result<SourceList, ImportError> {
    if bytes.len() > limits::MAX_LIST_BYTES {
        return Err(limits::list_too_large());
    }
    match Format::detect(name, bytes)? {
        Format::Docx => {
            let read = docx::read(bytes)?;
            // No table with a header: a list written as prose, if it numbers its items.
            grid::rows_from_grids(&read.grids, "docx", read.title, map)
                .or_else(|no_table| prose::rows_from_paragraphs(&read.paragraphs, "docx").map_err(|_| no_table))
        }
        Format::Xlsx => {
            let (grids, title) = xlsx::read(bytes)?;
            grid::rows_from_grids(&grids, "xlsx", title, map).or_else(|no_table| {
                // A sheet of one text column is a document pasted in: read it as prose.
                let one_column = grids
                    .iter()
                    .flat_map(|g| &g.rows)
                    .all(|(_, cells)| cells.iter().filter(|c| !c.text.trim().is_empty()).count() <= 1);
                if !one_column {
                    return Err(no_table);
                }
                let lines: Vec<(String, String)> = grids
                    .iter()
                    .flat_map(|g| &g.rows)
                    .filter_map(|(at, cells)| {
                        cells.iter().find(|c| !c.text.trim().is_empty()).map(|c| (at.clone(), c.text.clone()))
                    })
                    .collect();
                prose::rows_from_paragraphs(&lines, "xlsx").map_err(|_| no_table)
            })
        }
        Format::Text => {
            let text = decode_text(bytes)?;
            let (grid, title) = text::read(&text)?;
            // No table with a header: a list written as prose, if it numbers its items.
            grid::rows_from_grids(&[grid], "text", title, map).or_else(|no_table| {
                let lines: Vec<(String, String)> =
                    text.lines().enumerate().map(|(i, l)| (format!("第{}行", i + 1), l.to_string())).collect();
                prose::rows_from_paragraphs(&lines, "text").map_err(|_| no_table)
            })
        }
    }
}

/// "2021年…" in a title gives the plan year.
pub fn year_in(title: &str) -> Option<i32> {
    let chars: Vec<char> = title.chars().collect();
    chars.windows(5).find_map(|w| {
        let digits: String = w[..4].iter().collect();
        (w[4] == '年' && w[..4].iter().all(char::is_ascii_digit)).then(|| digits.parse().ok()).flatten()
    })
}

#[cfg(test)]
mod year_tests {
    #[test]
    fn a_year_in_the_title_is_the_plan_year() {
        assert_eq!(super::year_in("从化区2021年政务公开工作要点"), Some(2021));
        assert_eq!(super::year_in("从化区基层政务公开标准化规范化工作任务清单"), None);
    }
}
