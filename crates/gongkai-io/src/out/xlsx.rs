//! The 台账 as a workbook: one sheet for everything and one per unit, each
//! with a frozen header row, filters on every column, and the status shown
//! in colour (red overdue, yellow due soon, green on track, grey done).

use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, XlsxError};

/// One obligation as a row of the 台账.
#[derive(Debug, Clone)]
pub struct LedgerLine {
    pub task_seq: i32,
    pub unit: String,
    /// For the unit's sheet name (at most 31 characters in Excel).
    pub unit_short: String,
    pub milestone: String,
    /// The dates in words: "2020-11-30 前".
    pub when: String,
    pub recipient: String,
    pub status: String,
    /// "按时完成", "已逾期 12 天" …
    pub timing: String,
    /// red, yellow, green or done.
    pub light: String,
    pub done_on: String,
    /// Units that support the task (配合), where the list names them.
    pub support: String,
}

const HEADER: [(&str, f64); 9] = [
    ("任务序号", 9.0),
    ("责任单位", 30.0),
    ("任务要求", 46.0),
    ("时间", 24.0),
    ("报送对象", 16.0),
    ("进度", 10.0),
    ("提示", 16.0),
    ("完成日期", 12.0),
    ("配合单位", 24.0),
];

fn colour(light: &str) -> Color {
    match light {
        "red" => Color::RGB(0xF8CBAD),
        "yellow" => Color::RGB(0xFFE699),
        "done" => Color::RGB(0xD9D9D9),
        _ => Color::RGB(0xC6EFCE),
    }
}

fn sheet(workbook: &mut Workbook, name: &str, lines: &[&LedgerLine]) -> Result<(), XlsxError> {
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xEEF0F3)).set_align(FormatAlign::Center);
    let wrap = Format::new().set_text_wrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    let columns = &HEADER[..];
    for (col, (title, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let row = i as u32 + 1;
        let status = Format::new().set_background_color(colour(&line.light));
        sheet.write_number(row, 0, line.task_seq as f64)?;
        sheet.write_string_with_format(row, 1, &line.unit, &wrap)?;
        sheet.write_string_with_format(row, 2, &line.milestone, &wrap)?;
        sheet.write_string(row, 3, &line.when)?;
        sheet.write_string(row, 4, &line.recipient)?;
        sheet.write_string_with_format(row, 5, &line.status, &status)?;
        sheet.write_string_with_format(row, 6, &line.timing, &status)?;
        sheet.write_string(row, 7, &line.done_on)?;
        sheet.write_string_with_format(row, 8, &line.support, &wrap)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, lines.len() as u32, columns.len() as u16 - 1)?;
    Ok(())
}

/// Excel's sheet names: at most 31 characters, none of []:*?/\, unique.
fn sheet_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let clean: String = wanted.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
    let mut name = clean.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{clean}{n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// The workbook's bytes: "总台账", then one sheet per unit in order of
/// first appearance.
pub fn ledger(lines: &[LedgerLine]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let mut taken = vec!["总台账".to_string()];
    sheet(&mut workbook, "总台账", &lines.iter().collect::<Vec<_>>())?;
    let mut units: Vec<&str> = Vec::new();
    for line in lines {
        if !units.contains(&line.unit.as_str()) {
            units.push(&line.unit);
        }
    }
    for unit in units {
        let own: Vec<&LedgerLine> = lines.iter().filter(|l| l.unit == unit).collect();
        let name = sheet_name(&own[0].unit_short, &mut taken);
        sheet(&mut workbook, &name, &own)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut taken = vec!["总台账".to_string()];
        assert_eq!(super::sheet_name("区政府办/区外办", &mut taken), "区政府办区外办");
        assert_eq!(super::sheet_name("区政府办/区外办", &mut taken), "区政府办区外办2");
        assert!(super::sheet_name(&"很".repeat(40), &mut taken).chars().count() <= 31);
    }
}
