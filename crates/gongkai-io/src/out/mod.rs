//! Files out: the documents offices file, as a model (`Document`) that each
//! writer lays out — Word (.docx) and PDF as a Chinese official document,
//! and the 台账 as a formatted workbook (.xlsx).

mod annual;
mod catalogue;
mod docx;
#[cfg(feature = "pdf")]
mod pdf;
mod xlsx;

pub use annual::{Table2Values, annual_report_xlsx};
pub use catalogue::{CatalogueSheet, RecordItem, catalogue_document, catalogue_xlsx, records_xlsx};
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
    /// A4 turned sideways, for wide tables (a catalogue's eleven columns).
    pub landscape: bool,
}

/// The most text one document may carry (about 250 A4 pages): a request
/// for more is refused before it is laid out.
pub const MAX_DOCUMENT_CHARS: usize = 500_000;

impl Document {
    /// Characters of text in the document.
    pub fn chars(&self) -> usize {
        let blocks = self.sections.iter().flat_map(|s| &s.blocks).map(|b| match b {
            Block::Paragraph(text) | Block::Addressee(text) | Block::Subheading(text) => text.chars().count(),
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
    /// A letter's addressee ("张三："): flush left, no first-line indent.
    Addressee(String),
    /// A sub-heading inside a section: "（一）组织编制政务公开事项标准目录".
    Subheading(String),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// Characters of a 二号 (22 pt) title on a line of A4 with official margins.
pub const TITLE_LINE: f32 = 20.0;

/// A title in lines of about equal width, as offices set a long one (never
/// one character left alone on a line): a character takes one unit, a Latin
/// letter or digit half; a number is never split.
pub fn title_lines(title: &str, per_line: f32) -> Vec<String> {
    let width = |c: char| if c.is_ascii() { 0.5 } else { 1.0 };
    let chars: Vec<char> = title.chars().collect();
    let total: f32 = chars.iter().map(|c| width(*c)).sum();
    if total <= per_line {
        return vec![title.to_string()];
    }
    let count = (total / per_line).ceil();
    let target = total / count;
    let mut lines = Vec::new();
    let (mut line, mut used) = (String::new(), 0.0);
    for (i, &c) in chars.iter().enumerate() {
        // Break before this character once the line is full enough, unless
        // it continues a number, or it is the last line.
        let inside_number = i > 0 && chars[i - 1].is_ascii_alphanumeric() && c.is_ascii_alphanumeric();
        if used + width(c) / 2.0 > target && !inside_number && (lines.len() as f32) < count - 1.0 && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        line.push(c);
        used += width(c);
    }
    lines.push(line);
    lines
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_title_is_set_in_even_lines() {
        let short = "温泉镇2020年政务公开工作自查报告";
        assert_eq!(super::title_lines(short, super::TITLE_LINE), [short]);
        // 19.5 units on a line of 19 would leave one character alone.
        let lines = super::title_lines("关于2020年政务公开工作任务落实情况的通报", 19.0);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.chars().count() >= 8), "{lines:?}");
        assert_eq!(lines.concat(), "关于2020年政务公开工作任务落实情况的通报");
        // A long one in three even lines, its number whole.
        let title = "关于广州市从化区2020年度基层政务公开标准化规范化试点工作任务落实情况的通报";
        let lines = super::title_lines(title, 20.0);
        assert_eq!((lines.len(), lines.concat().as_str()), (2, title));
        assert!(lines.iter().all(|l| !l.contains("202") || l.contains("2020")), "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() > 10), "{lines:?}");
    }
}
