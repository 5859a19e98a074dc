//! Excel (.xlsx) task lists, read from the workbook's XML: every sheet in
//! the workbook's order, merged cells read as empty beyond their first cell,
//! a title row above the header, dates as Chinese dates.
//!
//! Read here rather than through a spreadsheet crate because every count a
//! file declares (a sheet's range, the number of shared strings) is checked
//! before anything is allocated for it: a 1.4 KB workbook claiming the range
//! A1:XFD1048576 made calamine allocate 512 GiB, and its shared-string table
//! reserves whatever `uniqueCount` says. Only cells with text are kept, each
//! within the limits in `crate::limits`.

use crate::ImportError;
use crate::archive::Archive;
use crate::grid::{Grid, GridCell};
use crate::limits::{self, Budget};
use crate::xml::{attr, entity};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;

const FORMAT: &str = "Excel 文件（.xlsx）";

fn corrupt(detail: impl std::fmt::Display) -> ImportError {
    ImportError::Corrupt { format: FORMAT, detail: detail.to_string() }
}

/// Where the XML breaks; the parser's own words stay out of what people read.
fn xml_error(part: &str, position: u64) -> ImportError {
    corrupt(format!("“{part}”的 XML 在第 {position} 字节处出错"))
}

/// "D5" for row 4, column 3 (both 0-based).
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// "D5" → (4, 3); `None` for anything Excel could not have written.
fn parse_cell_name(name: &str) -> Option<(u32, u32)> {
    let split = name.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = name.split_at(split);
    if letters.is_empty() || letters.len() > 3 || digits.len() > 7 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    let row: u32 = digits.parse().ok()?;
    ((1..=1_048_576).contains(&row) && col <= 16_384).then(|| (row - 1, col - 1))
}

/// The sheets in the workbook's order: (name, relationship id).
fn sheet_list(xml: &str) -> Result<(Vec<(String, String)>, bool), ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut sheets = Vec::new();
    let mut date1904 = false;
    loop {
        match reader.read_event().map_err(|_| xml_error("xl/workbook.xml", reader.buffer_position()))? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().into_inner() {
                "sheet" => {
                    if sheets.len() >= limits::MAX_SHEETS {
                        return Err(limits::too_many_sheets());
                    }
                    let name: String = attr(&e, "name").unwrap_or_default().chars().take(31).collect();
                    sheets.push((name, attr(&e, "r:id").unwrap_or_default()));
                }
                "workbookPr" => date1904 = matches!(attr(&e, "date1904").as_deref(), Some("1" | "true")),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sheets, date1904))
}

/// Relationship id → part path inside the archive.
fn relationships(xml: &str) -> Result<HashMap<String, String>, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut targets = HashMap::new();
    loop {
        match reader.read_event().map_err(|_| xml_error("xl/_rels/workbook.xml.rels", reader.buffer_position()))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().into_inner() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    let path = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_string(),
                        None => format!("xl/{target}"),
                    };
                    targets.insert(id, path);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if targets.len() > limits::MAX_SHEETS * 4 {
            return Err(limits::too_many_sheets());
        }
    }
    Ok(targets)
}

/// The shared-string table. Phonetic guides (`rPh`) are not part of the text.
fn shared_strings(xml: &str) -> Result<Vec<String>, ImportError> {
    const PART: &str = "xl/sharedStrings.xml";
    let mut reader = Reader::from_str(xml);
    let mut strings = Vec::new();
    let mut current: Option<String> = None;
    let (mut in_text, mut phonetic) = (false, 0usize);
    loop {
        match reader.read_event().map_err(|_| xml_error(PART, reader.buffer_position()))? {
            Event::Start(e) => match e.local_name().into_inner() {
                "si" => current = Some(String::new()),
                "t" => in_text = true,
                "rPh" => phonetic += 1,
                _ => {}
            },
            Event::Empty(e) if e.local_name().into_inner() == "si" => {
                strings.push(String::new());
            }
            Event::Text(t) if in_text && phonetic == 0 => {
                if let Some(s) = current.as_mut() {
                    s.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if in_text && phonetic == 0 => {
                if let Some(s) = current.as_mut() {
                    s.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text && phonetic == 0 => {
                if let Some(s) = current.as_mut() {
                    s.push_str(&entity(&r));
                }
            }
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "si" => strings.extend(current.take()),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        if strings.len() > limits::MAX_SHARED_STRINGS {
            return Err(ImportError::TooLarge(format!("{FORMAT}的共享字符串超过 {} 条", limits::MAX_SHARED_STRINGS)));
        }
    }
    Ok(strings)
}

/// For each cell style (`s="N"`), whether its number format shows a date.
fn date_styles(xml: &str) -> Result<Vec<bool>, ImportError> {
    const PART: &str = "xl/styles.xml";
    let mut reader = Reader::from_str(xml);
    let mut custom: HashMap<u32, bool> = HashMap::new();
    let mut styles = Vec::new();
    let mut in_cell_xfs = false;
    loop {
        match reader.read_event().map_err(|_| xml_error(PART, reader.buffer_position()))? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().into_inner() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode")) {
                        custom.insert(id.parse().unwrap_or(u32::MAX), format_shows_date(&code));
                    }
                }
                "cellXfs" => in_cell_xfs = true,
                "xf" if in_cell_xfs => {
                    let id: u32 = attr(&e, "numFmtId").and_then(|v| v.parse().ok()).unwrap_or(0);
                    styles.push(custom.get(&id).copied().unwrap_or_else(|| builtin_date_format(id)));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().into_inner() == "cellXfs" => in_cell_xfs = false,
            Event::Eof => break,
            _ => {}
        }
        if styles.len() + custom.len() > limits::MAX_STYLES {
            return Err(ImportError::TooLarge(format!("{FORMAT}的单元格样式超过 {} 种", limits::MAX_STYLES)));
        }
    }
    Ok(styles)
}

/// Excel's built-in date formats, Chinese ones included.
fn builtin_date_format(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// A custom format shows a date when it has a year, month or day code
/// outside quoted text and brackets.
fn format_shows_date(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'y' | 'Y' | 'd' | 'D' | 'm' | 'M' if !quoted && !bracket => return true,
            _ => {}
        }
    }
    false
}

/// A serial day number as the Chinese date a reader sees ("2020年10月15日").
fn serial_date(serial: f64, date1904: bool) -> Option<String> {
    use chrono::{Datelike, Duration, NaiveDate};
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    // Excel counts 1900-02-29, which never was: day 60 and after are one off.
    let base = match (date1904, days) {
        (true, _) => NaiveDate::from_ymd_opt(1904, 1, 1)?,
        (false, 61..) => NaiveDate::from_ymd_opt(1899, 12, 30)?,
        (false, _) => NaiveDate::from_ymd_opt(1899, 12, 31)?,
    };
    let day = base.checked_add_signed(Duration::days(days))?;
    Some(format!("{}年{}月{}日", day.year(), day.month(), day.day()))
}

/// A number as Excel shows it in a general cell: 3, not 3.0.
fn number_text(raw: &str) -> String {
    match raw.trim().parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Ok(f) if f.is_finite() => format!("{f}"),
        _ => raw.to_string(),
    }
}

/// What a workbook shares between its sheets.
struct Book {
    strings: Vec<String>,
    dates: Vec<bool>,
    date1904: bool,
}

/// The cells with text in one sheet, and its merged areas.
#[derive(Default)]
struct Sheet {
    cells: Vec<(u32, u32, String)>,
    merges: Vec<((u32, u32), (u32, u32))>,
}

/// One cell as it is being read.
struct CellBuild {
    row: u32,
    col: u32,
    kind: String,
    style: usize,
    value: String,
}

fn read_sheet(name: &str, part: &str, xml: &str, book: &Book, budget: &mut Budget) -> Result<Sheet, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut sheet = Sheet::default();
    let (mut row, mut col): (Option<u32>, Option<u32>) = (None, None);
    let mut cell: Option<CellBuild> = None;
    let (mut in_value, mut in_inline, mut in_text, mut phonetic) = (false, false, false, 0usize);
    loop {
        let event = reader.read_event().map_err(|_| xml_error(part, reader.buffer_position()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().into_inner() {
                    "row" => {
                        let next = match attr(e, "r") {
                            Some(r) => r.parse::<u32>().ok().filter(|r| (1..=1_048_576).contains(r)).map(|r| r - 1),
                            None => Some(row.map_or(0, |r| r + 1)),
                        };
                        row = Some(next.ok_or_else(|| corrupt(format!("工作表“{name}”的行号无效")))?);
                        col = None;
                    }
                    "c" => {
                        let (r, c) = match attr(e, "r") {
                            Some(reference) => parse_cell_name(&reference)
                                .ok_or_else(|| corrupt(format!("工作表“{name}”的单元格名“{reference}”无效")))?,
                            None => (row.unwrap_or(0), col.map_or(0, |c| c + 1)),
                        };
                        (row, col) = (Some(r), Some(c));
                        let style = attr(e, "s").and_then(|s| s.parse().ok()).unwrap_or(0);
                        let kind = attr(e, "t").unwrap_or_default();
                        if !empty {
                            cell = Some(CellBuild { row: r, col: c, kind, style, value: String::new() });
                        }
                    }
                    "v" if !empty => in_value = true,
                    "is" if !empty => in_inline = true,
                    "t" if in_inline && !empty => in_text = true,
                    "rPh" if !empty => phonetic += 1,
                    "mergeCell" => {
                        let area = attr(e, "ref").unwrap_or_default();
                        let (from, to) = area.split_once(':').unwrap_or((&area, &area));
                        if let (Some(from), Some(to)) = (parse_cell_name(from), parse_cell_name(to)) {
                            if sheet.merges.len() >= limits::MAX_MERGES {
                                return Err(ImportError::TooLarge(format!(
                                    "工作表“{name}”的合并单元格超过 {} 处",
                                    limits::MAX_MERGES
                                )));
                            }
                            sheet.merges.push((from, to));
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if (in_value || in_text) && phonetic == 0 => {
                if let Some(c) = cell.as_mut() {
                    push_bounded(&mut c.value, &t.xml10_content(), name)?;
                }
            }
            Event::CData(t) if (in_value || in_text) && phonetic == 0 => {
                if let Some(c) = cell.as_mut() {
                    push_bounded(&mut c.value, &t.xml10_content(), name)?;
                }
            }
            Event::GeneralRef(r) if (in_value || in_text) && phonetic == 0 => {
                if let Some(c) = cell.as_mut() {
                    push_bounded(&mut c.value, &entity(&r), name)?;
                }
            }
            Event::End(e) => match e.local_name().into_inner() {
                "v" => in_value = false,
                "t" => in_text = false,
                "is" => in_inline = false,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "c" => {
                    if let Some(c) = cell.take() {
                        let text = cell_text(&c, book, name)?;
                        if !text.is_empty() {
                            budget.cell(name, c.row, c.col, &text)?;
                            sheet.cells.push((c.row, c.col, text));
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sheet)
}

fn push_bounded(value: &mut String, text: &str, sheet: &str) -> Result<(), ImportError> {
    if value.len() + text.len() > limits::MAX_CELL_CHARS * 4 {
        return Err(limits::cell_too_long(&format!("工作表“{sheet}”中")));
    }
    value.push_str(text);
    Ok(())
}

/// A cell's text as Excel shows it.
fn cell_text(c: &CellBuild, book: &Book, sheet: &str) -> Result<String, ImportError> {
    Ok(match c.kind.as_str() {
        "s" => {
            let index: usize = c.value.trim().parse().map_err(|_| corrupt("共享字符串的编号无效"))?;
            let shared = book.strings.get(index).ok_or_else(|| {
                corrupt(format!("工作表“{sheet}”的 {} 引用了不存在的共享字符串", cell_name(c.row, c.col)))
            })?;
            // Checked before it is copied: one long string may fill every cell.
            if shared.len() > limits::MAX_CELL_CHARS * 4 {
                return Err(limits::cell_too_long(&format!("工作表“{sheet}”的 {} ", cell_name(c.row, c.col))));
            }
            shared.clone()
        }
        "b" => (if c.value.trim() == "1" { "TRUE" } else { "FALSE" }).to_string(),
        "inlineStr" | "str" | "e" => c.value.clone(),
        "d" => match chrono::NaiveDate::parse_from_str(c.value.get(..10).unwrap_or(&c.value), "%Y-%m-%d") {
            Ok(day) => day.format("%Y年%-m月%-d日").to_string(),
            Err(_) => c.value.clone(),
        },
        _ if book.dates.get(c.style).copied().unwrap_or(false) => c
            .value
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|serial| serial_date(serial, book.date1904))
            .unwrap_or_else(|| number_text(&c.value)),
        _ => number_text(&c.value),
    })
}

/// The sheet as rows from its first row with text to its last, columns from
/// A to the last with text; a merged area keeps its text in its first cell.
fn lay_out(name: &str, sheet: Sheet, budget: &mut Budget) -> Result<Option<Grid>, ImportError> {
    let Some(first_row) = sheet.cells.iter().map(|c| c.0).min() else { return Ok(None) };
    let last_row = sheet.cells.iter().map(|c| c.0).max().unwrap_or(first_row);
    let last_col = sheet.cells.iter().map(|c| c.1).max().unwrap_or(0);
    let (height, width) = ((last_row - first_row + 1) as usize, (last_col + 1) as usize);
    budget.area(name, height, width)?;
    let mut covered = vec![false; height * width];
    let mut below_top = vec![false; height * width];
    let mut right_of_first = vec![false; height * width];
    let mut marked = 0usize;
    for ((r1, c1), (r2, c2)) in &sheet.merges {
        let (top, bottom) = ((*r1).max(first_row), (*r2).min(last_row));
        let (left, right) = (*c1, (*c2).min(last_col));
        if top > bottom || left > right {
            continue;
        }
        marked += ((bottom - top + 1) * (right - left + 1)) as usize;
        if marked > covered.len() * 4 {
            return Err(corrupt(format!("工作表“{name}”的合并单元格互相重叠")));
        }
        for r in top..=bottom {
            for c in left..=right {
                if (r, c) != (*r1, *c1) {
                    covered[(r - first_row) as usize * width + c as usize] = true;
                    below_top[(r - first_row) as usize * width + c as usize] = r > *r1;
                    right_of_first[(r - first_row) as usize * width + c as usize] = r == *r1 && c > *c1;
                }
            }
        }
    }
    let mut rows: Vec<Vec<GridCell>> = (first_row..=last_row)
        .map(|r| {
            (0..=last_col)
                .map(|c| GridCell {
                    text: String::new(),
                    cell_ref: Some(cell_name(r, c)),
                    merged_up: below_top[(r - first_row) as usize * width + c as usize],
                    merged_left: right_of_first[(r - first_row) as usize * width + c as usize],
                })
                .collect()
        })
        .collect();
    for (r, c, text) in sheet.cells {
        if !covered[(r - first_row) as usize * width + c as usize] {
            rows[(r - first_row) as usize][c as usize].text = text;
        }
    }
    let mut grid = Grid::default();
    for (offset, cells) in rows.into_iter().enumerate() {
        grid.rows.push((format!("工作表“{name}”第{}行", first_row as usize + offset + 1), cells));
    }
    Ok(Some(grid))
}

pub fn read(bytes: &[u8]) -> Result<(Vec<Grid>, Option<String>), ImportError> {
    let mut archive = Archive::open(bytes, FORMAT, limits::ARCHIVE)?;
    let workbook = archive.read_text("xl/workbook.xml")?.ok_or_else(|| corrupt("缺少 xl/workbook.xml"))?;
    let (sheets, date1904) = sheet_list(&workbook)?;
    drop(workbook);
    let targets = match archive.read_text("xl/_rels/workbook.xml.rels")? {
        Some(xml) => relationships(&xml)?,
        None => HashMap::new(),
    };
    let strings = match archive.read_text("xl/sharedStrings.xml")? {
        Some(xml) => shared_strings(&xml)?,
        None => Vec::new(),
    };
    let dates = match archive.read_text("xl/styles.xml")? {
        Some(xml) => date_styles(&xml)?,
        None => Vec::new(),
    };
    let book = Book { strings, dates, date1904 };
    let mut budget = Budget::default();
    let mut grids = Vec::new();
    let mut title = None;
    for (index, (name, id)) in sheets.iter().enumerate() {
        let part = targets.get(id).cloned().unwrap_or_else(|| format!("xl/worksheets/sheet{}.xml", index + 1));
        let Some(xml) = archive.read_text(&part)? else { continue };
        let sheet = read_sheet(name, &part, &xml, &book, &mut budget)?;
        drop(xml);
        let Some(grid) = lay_out(name, sheet, &mut budget)? else { continue };
        if title.is_none()
            && let Some((_, first)) = grid.rows.first()
        {
            let non_empty: Vec<&GridCell> = first.iter().filter(|c| !c.text.trim().is_empty()).collect();
            if non_empty.len() == 1 && !non_empty[0].text.starts_with("附件") {
                title = Some(non_empty[0].text.trim().to_string());
            }
        }
        grids.push(grid);
    }
    Ok((grids, title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(4, 3), "D5");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(parse_cell_name("D5"), Some((4, 3)));
        assert_eq!(parse_cell_name("XFD1048576"), Some((1_048_575, 16_383)));
        for bad in ["", "5", "D", "d5", "D0", "XFE1", "ABCD1", "A99999999"] {
            assert_eq!(parse_cell_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn serial_days_become_chinese_dates() {
        assert_eq!(serial_date(44119.0, false).as_deref(), Some("2020年10月15日"));
        assert_eq!(serial_date(44119.75, false).as_deref(), Some("2020年10月15日"));
        assert_eq!(serial_date(1.0, false).as_deref(), Some("1900年1月1日"));
        assert_eq!(serial_date(-3.0, false), None);
        assert_eq!(serial_date(1e300, false), None);
    }

    #[test]
    fn date_formats_are_told_from_text_in_quotes() {
        assert!(format_shows_date("yyyy\"年\"m\"月\"d\"日\""));
        assert!(format_shows_date("[$-804]yyyy/m/d"));
        assert!(!format_shows_date("0.00\"天\""));
        assert!(!format_shows_date("[Red]0"));
        assert!(builtin_date_format(14) && !builtin_date_format(0));
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text("3"), "3");
        assert_eq!(number_text("3.0"), "3");
        assert_eq!(number_text("4.2000000000000002"), "4.2");
        assert_eq!(number_text("abc"), "abc");
    }
}
