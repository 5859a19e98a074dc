//! Files out: the documents offices file, as a model (`Document`) that each
//! writer lays out — Word (.docx) and PDF as a Chinese official document,
//! and the 台账 as a formatted workbook (.xlsx).

mod docx;
#[cfg(feature = "pdf")]
mod pdf;
mod xlsx;

pub use docx::write as docx;
#[cfg(feature = "pdf")]
pub use pdf::{PdfError, write as pdf};
pub use xlsx::{LedgerLine, ledger as ledger_xlsx};

/// An official document: a title, numbered sections ("一、总体情况"), and the
/// issuing unit's name and date at the end.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub title: String,
    /// A line under the title, such as the period covered.
    pub subtitle: Option<String>,
    pub sections: Vec<Section>,
    /// Right-aligned lines at the end: the unit's name, the date.
    pub signature: Vec<String>,
}

/// The most text one document may carry (about 250 A4 pages): a request
/// for more is refused before it is laid out.
pub const MAX_DOCUMENT_CHARS: usize = 500_000;

impl Document {
    /// Characters of text in the document.
    pub fn chars(&self) -> usize {
        let blocks = self.sections.iter().flat_map(|s| &s.blocks).map(|b| match b {
            Block::Paragraph(text) | Block::Subheading(text) => text.chars().count(),
            Block::Table { header, rows } => {
                header.iter().chain(rows.iter().flatten()).map(|cell| cell.chars().count()).sum()
            }
        });
        self.title.chars().count() + blocks.sum::<usize>()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Section {
    /// With its number, as it is printed: "一、总体情况".
    pub heading: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(String),
    /// A sub-heading inside a section: "（一）组织编制政务公开事项标准目录".
    Subheading(String),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// Chinese numbering of sections: 1 → "一", 12 → "十二".
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".into(),
        1..=9 => DIGITS[n].into(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}
