//! What reading a task list may cost. Every reader checks these before it
//! allocates for what a file declares, and refuses with a message that says
//! which limit and where; SECURITY.md lists them.

use crate::ImportError;
use crate::archive::{ArchiveLimits, megabytes};

/// A task list file, as uploaded or given to `gongkai import`: far below the
/// evidence-file limit, and far above any real list (the seed is 40 KB).
pub const MAX_LIST_BYTES: usize = 10 * 1024 * 1024;
/// The parts of a .docx or .xlsx: entries, and bytes after decompression.
pub const ARCHIVE: ArchiveLimits =
    ArchiveLimits { entries: 2_000, part_bytes: 32 * 1024 * 1024, total_bytes: 64 * 1024 * 1024 };
/// Worksheets in a workbook.
pub const MAX_SHEETS: usize = 100;
/// Rows of all tables together.
pub const MAX_ROWS: usize = 5_000;
/// Columns of a table.
pub const MAX_COLUMNS: usize = 100;
/// Cells of all tables together, empty ones inside a table included.
pub const MAX_CELLS: usize = 200_000;
/// Characters in one cell.
pub const MAX_CELL_CHARS: usize = 10_000;
/// Bytes of cell text of a whole file: a workbook can repeat one shared
/// string in every cell, so text is counted as the cells use it.
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;
/// Entries of a workbook's shared-string table.
pub const MAX_SHARED_STRINGS: usize = 200_000;
/// Cell styles and number formats of a workbook.
pub const MAX_STYLES: usize = 50_000;
/// Merged areas of a worksheet.
pub const MAX_MERGES: usize = 50_000;

pub fn list_too_large() -> ImportError {
    ImportError::TooLarge(format!("清单文件超过 {} 上限（任务清单通常只有几十 KB）", megabytes(MAX_LIST_BYTES as u64)))
}

pub fn too_many_sheets() -> ImportError {
    ImportError::TooLarge(format!("工作簿中的工作表超过 {MAX_SHEETS} 张"))
}

pub fn cell_too_long(at: &str) -> ImportError {
    ImportError::TooLarge(format!("{at}有单元格超过 {MAX_CELL_CHARS} 字"))
}

fn too_many(what: &str) -> ImportError {
    ImportError::TooLarge(format!(
        "{what}超出可读范围：清单最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列、共 {MAX_CELLS} 个单元格"
    ))
}

/// What one file has used of the limits so far, across its tables.
#[derive(Debug, Default)]
pub struct Budget {
    rows: usize,
    cells: usize,
    cells_with_text: usize,
    text_bytes: usize,
}

impl Budget {
    /// A spreadsheet cell with text at (row, col), 0-based, before any table
    /// is laid out: its place must be inside the limits.
    pub fn cell(&mut self, sheet: &str, row: u32, col: u32, text: &str) -> Result<(), ImportError> {
        let at = format!("工作表“{sheet}”第{}行第{}列", row as u64 + 1, col as u64 + 1);
        self.cells_with_text += 1;
        if row as usize >= MAX_ROWS || col as usize >= MAX_COLUMNS || self.cells_with_text > MAX_CELLS {
            return Err(too_many(&at));
        }
        if text.chars().count() > MAX_CELL_CHARS {
            return Err(cell_too_long(&at));
        }
        self.text_bytes += text.len();
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(ImportError::TooLarge(format!(
                "{at}：单元格文字合计超过 {}",
                megabytes(MAX_TEXT_BYTES as u64)
            )));
        }
        Ok(())
    }

    /// A table `height` rows by `width` columns, laid out in full.
    pub fn area(&mut self, at: &str, height: usize, width: usize) -> Result<(), ImportError> {
        self.rows = self.rows.saturating_add(height);
        self.cells = self.cells.saturating_add(height.saturating_mul(width));
        if self.rows > MAX_ROWS || width > MAX_COLUMNS || self.cells > MAX_CELLS {
            return Err(too_many(&format!("“{at}”")));
        }
        Ok(())
    }

    /// One row of `width` cells, for readers that build rows one at a time.
    pub fn row(&mut self, at: &str, width: usize) -> Result<(), ImportError> {
        self.area(at, 1, width)
    }
}
