//! PDF through Typst (as a library): the document becomes Typst markup, laid
//! out on A4 with official-document margins, with the Chinese fonts found on
//! the machine (Debian's fonts-noto-cjk, or a folder named by
//! `GONGKAI_FONT_DIR`) embedded, so that it prints the same everywhere.

use super::{Block, Document};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("找不到中文字体：请安装 fonts-noto-cjk，或用环境变量 GONGKAI_FONT_DIR 指定字体目录")]
    NoFont,
    #[error("排版失败：{0}")]
    Layout(String),
}

/// Where fonts are looked for: the folder the user names, then the system's.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("GONGKAI_FONT_DIR").map(PathBuf::from).into_iter().collect();
    dirs.push(PathBuf::from("/usr/share/fonts"));
    dirs.push(PathBuf::from("/usr/local/share/fonts"));
    dirs
}

fn collect(dir: &Path, own: bool, out: &mut Vec<Font>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, own, out);
            continue;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let font_file = [".ttf", ".otf", ".ttc", ".otc"].iter().any(|e| name.ends_with(e));
        // From the system only the CJK families: they carry Latin too, and
        // reading every font on a machine would take seconds.
        if font_file
            && (own || name.contains("cjk"))
            && let Ok(data) = std::fs::read(&path)
        {
            out.extend(Font::iter(Bytes::new(data)));
        }
    }
}

/// The fonts, read once per process.
fn fonts() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut fonts = Vec::new();
        for (i, dir) in font_dirs().iter().enumerate() {
            let own = i == 0 && std::env::var_os("GONGKAI_FONT_DIR").is_some();
            collect(dir, own, &mut fonts);
        }
        fonts
    })
}

struct Page {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: &'static [Font],
    source: Source,
}

impl World for Page {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() { Ok(self.source.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

/// A Typst string literal: the text is never read as markup.
fn literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Columns as wide as their content (Typst's `auto`), except a table of
/// short cells (numbers under short headings) beside a column of long
/// labels — the annual report's table 三 — where the numbers' columns are
/// narrow and the label column takes the rest of the line, so labels do
/// not wrap a few characters a line.
fn column_widths(header: &[String], rows: &[Vec<String>]) -> String {
    let width = |text: &String| text.chars().map(|ch| if ch.is_ascii() { 1 } else { 2 }).sum::<usize>();
    let widest = |c: usize| {
        std::iter::once(header.get(c)).chain(rows.iter().map(|r| r.get(c))).flatten().map(width).max().unwrap_or(0)
    };
    let columns = header.len().max(1);
    let labelled = columns > 2 && widest(0) > 12 && (1..columns).all(|c| widest(c) <= 12);
    // Labelled: the numbers' headings wrap three characters a line, as the printed form's do.
    let shares: Vec<&str> = (0..columns)
        .map(|c| match (labelled, c) {
            (true, 0) => "1fr",
            (true, _) => "3.2em",
            _ => "auto",
        })
        .collect();
    format!("({},)", shares.join(", "))
}

fn markup(document: &Document) -> String {
    let mut m = format!(
        r#"#set page(paper: "a4", flipped: {}, margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm), numbering: "1")
#set text(font: ("Noto Serif CJK SC", "Noto Sans CJK SC"), size: 16pt, lang: "zh", region: "cn")
#set par(first-line-indent: (amount: 2em, all: true), leading: 0.95em, spacing: 0.95em, justify: true)
"#,
        document.landscape
    );
    let title = super::title_lines(&document.title, super::TITLE_LINE).join("\n");
    m.push_str(&format!("#align(center)[#text(size: 22pt, weight: \"bold\", {})]\n\n", literal(&title)));
    if let Some(subtitle) = &document.subtitle {
        m.push_str(&format!("#align(center)[#text(size: 14pt, {})]\n\n", literal(subtitle)));
    }
    for section in &document.sections {
        // A letter's body has no heading.
        if !section.heading.is_empty() {
            m.push_str(&format!(
                "#text(font: \"Noto Sans CJK SC\", weight: \"bold\", {})\n\n",
                literal(&section.heading)
            ));
        }
        for block in &section.blocks {
            match block {
                Block::Paragraph(text) => m.push_str(&format!("#{}\n\n", literal(text))),
                Block::Subheading(text) => m.push_str(&format!("#text(weight: \"bold\", {})\n\n", literal(text))),
                Block::Addressee(text) => {
                    m.push_str(&format!("#block[#set par(first-line-indent: 0pt)\n#{}]\n\n", literal(text)))
                }
                Block::Table { header, rows } => {
                    let cells: Vec<String> = header
                        .iter()
                        .map(|h| format!("[#text(weight: \"bold\", {})]", literal(h)))
                        .chain(rows.iter().flatten().map(|c| format!("[#{}]", literal(c))))
                        .collect();
                    m.push_str(&format!(
                        "#block[#set text(size: 10.5pt)\n#set par(first-line-indent: 0pt)\n#table(columns: {}, stroke: 0.5pt, inset: 4pt, {})]\n\n",
                        column_widths(header, rows),
                        cells.join(", ")
                    ));
                }
            }
        }
    }
    m.push_str("#v(2em)\n");
    for line in &document.signature {
        m.push_str(&format!("#align(right)[{}]\n", format_args!("#{}", literal(line))));
    }
    m
}

/// The PDF's bytes, with the fonts it uses embedded.
pub fn write(document: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts();
    if !fonts.iter().any(|f| f.info().family.contains("CJK")) {
        return Err(PdfError::NoFont);
    }
    let page = Page {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(fonts)),
        fonts,
        source: Source::detached(markup(document)),
    };
    let laid_out = typst::compile(&page).output.map_err(|errors| {
        PdfError::Layout(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("；"))
    })?;
    typst_pdf::pdf(&laid_out, &typst_pdf::PdfOptions::default())
        .map_err(|errors| PdfError::Layout(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("；")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_a_string_literal_never_markup() {
        assert_eq!(super::literal(r#"#set "x" \ *粗*"#), r##""#set \"x\" \\ *粗*""##);
    }
}
